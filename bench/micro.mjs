// Micro-benchmarks (tinybench 5) of the relay's hot pure parts, on the
// bench's build of src. `node bench/micro.mjs [--smoke] [--json]`;
// REDIS_URL adds the Redis replay claim (keys under a unique prefix, with a ttl).
import { Bench } from 'tinybench';
import { randomBytes } from 'node:crypto';
import { dist, round } from './lib/common.mjs';

const argv = process.argv.slice(2);
const smoke = argv.includes('--smoke') || process.env.BENCH_SMOKE === '1';
const asJson = argv.includes('--json');
const log = asJson ? () => undefined : console.log;

const { sign, verify, withSign } = dist('signing/signature.js');
const { canonicalString } = dist('signing/sign-string.js');
const { newTraceId } = dist('kernel/trace-id.js');
// The answer's sign and envelope: the 2.0.6 wire dialect where src has one, else the envelope helpers.
const answer = (() => {
  try {
    const { signData20, envelope20 } = dist('dialects/daxpay-2-0-6.dialect.js');
    return (data, signType, secret, traceId) =>
      envelope20(signData20(data, { signType, secret, traceId, now: Math.floor(Date.now() / 1000) }), traceId);
  } catch {
    const { signData } = dist('http/envelope/sign-data.js');
    const { successEnvelope } = dist('http/envelope/envelope.js');
    return (data, signType, secret, traceId) => successEnvelope(signData(data, signType, secret), traceId);
  }
})();
const { MemoryReplayStore } = dist('replay/memory-replay.store.js');

const SECRET = '123456';
// A typical getWxAccessToken request (the SPEC's vector plus mchNo).
const REQUEST = {
  code: '061Xy0ll2Qq1Fh4qGxml2Z0Tdl1Xy0lX',
  clientIp: '127.0.0.1',
  nonceStr: 'a1b2c3d4',
  reqTime: 1718000000,
  mchNo: 'M1000000001',
};
const DATA = { code: 0, openId: 'oOPENID1234567890123456789012', accessToken: 'SIM_AT_' + 'x'.repeat(43) };

// Fast ops run BATCH times per sample so the timer's own cost stays out of the figure.
const BATCH = 100;
const bench = new Bench({ time: smoke ? 100 : 1000, warmupTime: smoke ? 20 : 200 });
const batched = new Map();
function addBatched(name, fn) {
  batched.set(name, BATCH);
  bench.add(name, () => {
    for (let i = 0; i < BATCH; i++) fn(i);
  });
}
function addBatchedAsync(name, fn, per = BATCH) {
  batched.set(name, per);
  bench.add(name, async () => {
    for (let i = 0; i < per; i++) await fn(i);
  });
}

addBatched('canonical string (typical request)', () => canonicalString(REQUEST));
for (const type of ['MD5', 'HMAC_SHA256', 'SM3']) {
  const signed = withSign(REQUEST, type, SECRET);
  addBatched(`sign ${type}`, () => sign(REQUEST, type, SECRET));
  addBatched(`verify ${type} (1 secret)`, () => {
    if (verify(signed, type, [SECRET]) !== 0) throw new Error('verify failed');
  });
}
{
  const signed = withSign(REQUEST, 'HMAC_SHA256', SECRET);
  addBatched('verify HMAC_SHA256 (2 secrets, rotation)', () => verify(signed, 'HMAC_SHA256', ['other-secret', SECRET]));
}
addBatched('traceId', () => newTraceId());
addBatched('envelope: signData HMAC_SHA256 + JSON', () =>
  JSON.stringify(answer(DATA, 'HMAC_SHA256', SECRET, 'AbCdEfGhIjKl')),
);
{
  const store = new MemoryReplayStore();
  const salt = randomBytes(4).toString('hex');
  let n = 0;
  addBatched('replay claim, memory (claimSync, new key)', () => {
    if (!store.claimSync(`${salt}:${n++}`, 300_000, Date.now())) throw new Error('claim refused');
  });
  addBatchedAsync('replay claim, memory (async claim, new key)', async () => {
    if (!(await store.claim(`${salt}:a${n++}`, 300_000))) throw new Error('claim refused');
  });
}

// Node's static AsyncResource.bind: NestJS's interceptor chain calls it twice per request with one
// interceptor (@nestjs/core interceptors-consumer.js), Fastify's body parser once (an instance bind).
// On Node 20 each bind defines the deprecated `asyncResource` accessors (DEP0172) through
// util.deprecate, which re-prototypes two fresh functions: that, not the binding, is the cost.
// Beside it, what a bind without those accessors costs (new AsyncResource + runInAsyncScope.bind).
{
  const { AsyncResource } = await import('node:async_hooks');
  const fn = () => 1;
  // Kept in a sink, so the optimiser cannot drop the allocation.
  const sink = new Array(8);
  addBatched(
    'AsyncResource.bind(fn) (Node static bind, as Nest interceptors use it)',
    (i) => (sink[i & 7] = AsyncResource.bind(fn)),
  );
  addBatched('new AsyncResource + runInAsyncScope.bind (same context, no accessors)', (i) => {
    const r = new AsyncResource('bound-anonymous-fn');
    sink[i & 7] = r.runInAsyncScope.bind(r, fn, undefined);
  });
}

// The DTO validation pipe as the controller uses it (class-transformer + class-validator).
try {
  const { createAssistValidationPipe } = dist('http/assist-validation.pipe.js');
  const { WxAccessTokenDto } = dist('http/dto/wx-access-token.dto.js');
  const pipe = createAssistValidationPipe();
  const body = withSign(REQUEST, 'HMAC_SHA256', SECRET);
  addBatchedAsync(
    'validation pipe, WxAccessTokenDto',
    () => pipe.transform({ ...body }, { type: 'body', metatype: WxAccessTokenDto, data: undefined }),
    10,
  );
} catch (err) {
  log(`(validation pipe skipped: ${err.message})`);
}

let redis;
if (process.env.REDIS_URL) {
  const { default: Redis } = await import('ioredis');
  redis = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: 1 });
  await redis.ping();
  const prefix = `unipay-bench:micro:${randomBytes(4).toString('hex')}:`;
  let n = 0;
  let store;
  try {
    const { RedisReplayStore } = dist('replay/redis-replay.store.js');
    store = new RedisReplayStore(redis, { keyPrefix: prefix });
  } catch {
    // Before the Redis store exists: the one command it would send.
    store = { claim: async (k, ttl) => (await redis.set(prefix + k, '1', 'PX', ttl, 'NX')) === 'OK' };
  }
  bench.add('replay claim, Redis (SET NX PX round trip)', async () => {
    if (!(await store.claim(`k${n++}`, 60_000))) throw new Error('claim refused');
  });
}

await bench.run();
if (redis) redis.disconnect();

const rows = bench.tasks.map((t) => {
  const r = t.result;
  const per = batched.get(t.name) ?? 1;
  if (!r || r.error) return { name: t.name, error: String(r?.error ?? 'no result') };
  // tinybench reports ms per sample.
  // The median: robust to other work on a shared machine (the mean is kept too).
  return {
    name: t.name,
    usPerOp: round((r.latency.p50 * 1000) / per, 3),
    meanUs: round((r.latency.mean * 1000) / per, 3),
    p99Us: round((r.latency.p99 * 1000) / per, 3),
    opsPerSec: round((1000 / r.latency.mean) * per),
    samples: r.latency.samples?.length ?? null,
  };
});
if (asJson) process.stdout.write(JSON.stringify(rows));
else {
  console.log('| micro-benchmark | median µs/op | p99 µs/op | ops/s |');
  console.log('|---|---:|---:|---:|');
  for (const r of rows)
    console.log(
      r.error ? `| ${r.name} | error: ${r.error} | | |` : `| ${r.name} | ${r.usPerOp} | ${r.p99Us} | ${r.opsPerSec} |`,
    );
}
