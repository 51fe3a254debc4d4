// `npm run soak [-- options]`: a long steady run, not part of CI (issue 15).
// Two gateway instances (Express and Fastify, as `npm start` runs them) on one
// Redis, the standalone WeChat simulator with a low fault rate, and an
// open-loop driver in this process sending a fixed rate of requests for the
// whole duration: fresh code exchanges, repeated codes in new signed requests,
// byte-identical retries and authorize-URL requests. Reports throughput, p50/p99,
// answers by code, each instance's RSS, heap and open handles at start and end
// (from its /metrics), and Redis memory and the run's key count at start and end.
//
//   node scripts/soak.mjs [--duration 600] [--rate 150] [--fault-rate 0.01]
//                         [--redis-url redis://127.0.0.1:6379] [--json FILE]
// --duration accepts seconds or 10m / 90s. Default: 10 minutes at 150 req/s
// (about half of what two instances sustained on getWxAccessToken with Redis
// in bench/results/latest.md on this 2-core machine; pass --rate for yours).
import fs from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { builtFile, compileWorkspace } from '../bench/lib/workspace-build.mjs';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = parseArgs(process.argv.slice(2));
if (args.help) {
  console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\nimport ')[0]);
  process.exit(0);
}
const DURATION_S = parseDuration(args.duration ?? '600');
const RATE = Number(args.rate ?? 150);
const FAULT_RATE = Number(args['fault-rate'] ?? 0.01);
const REDIS_URL = args['redis-url'] ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
if (!(DURATION_S > 0) || !(RATE > 0) || !(FAULT_RATE >= 0 && FAULT_RATE < 1))
  throw new Error('bad --duration, --rate or --fault-rate');

// A private build (others may be rebuilding dist/ mid-run); bench/lib/common.mjs reads BENCH_DIST at import.
const BUILD = fs.mkdtempSync(path.join(os.tmpdir(), 'unipay-soak-build-'));
process.env.BENCH_DIST = BUILD;
// The build lives outside the repo: its requires find the repo's packages through NODE_PATH (children inherit it).
process.env.NODE_PATH = path.join(ROOT, 'node_modules');
build();
const { startNode, freePort, waitHttp, issueCodes, makeSigner, httpCall, round } =
  await import('../bench/lib/common.mjs');
const require = createRequire(import.meta.url);
const { Redis } = require('ioredis');

const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unipay-soak-logs-'));
const procs = [];
const prefix = `unipay-soak:${process.pid}:`;

try {
  await main();
} finally {
  for (const p of procs) await p.stop().catch(() => undefined);
  fs.rmSync(BUILD, { recursive: true, force: true });
}

async function main() {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
  await redis.connect();

  const simPort = await freePort();
  // Transport faults (the relay retries once) and busy answers (-1), each a share of exchanges.
  const faults =
    FAULT_RATE > 0
      ? [
          { kind: 'reset', share: FAULT_RATE / 2 },
          { kind: 'busy', share: FAULT_RATE / 2 },
        ]
      : [];
  const sim = track(
    startNode('simulator', [builtFile(BUILD, 'simulator/simulator.main.js')], {
      env: { PORT: String(simPort), SIM_FAULTS: JSON.stringify(faults) },
      logDir,
    }),
  );
  const simBase = `http://127.0.0.1:${simPort}`;
  await waitHttp(sim, `${simBase}/__sim/stats`);

  const gateways = [];
  for (const adapter of ['express', 'fastify']) {
    const port = await freePort();
    const env = {
      PORT: String(port),
      HOST: '127.0.0.1',
      HTTP_ADAPTER: adapter,
      WECHAT_API_BASE: simBase,
      WECHAT_OPEN_BASE: simBase,
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      RATE_LIMIT_IP: '0',
      RATE_LIMIT_MERCHANT: '0',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
    };
    const proc = track(startNode(`gateway-${adapter}`, [builtFile(BUILD, 'main.js')], { env, logDir }));
    const url = `http://127.0.0.1:${port}`;
    await waitHttp(proc, `${url}/health`);
    gateways.push({ adapter, url, proc });
  }

  const sign = makeSigner();
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  // Codes are issued ahead in batches (the browser's part), so the load measures the relay.
  let codes = await issueCodes(simBase, Math.ceil(RATE * 5));
  const refill = setInterval(async () => {
    if (codes.length < RATE * 3) codes = codes.concat(await issueCodes(simBase, Math.ceil(RATE * 3)).catch(() => []));
  }, 1000);

  const start = {
    at: Date.now(),
    instances: await Promise.all(gateways.map(instanceFigures)),
    redis: await redisFigures(redis),
  };
  console.log(
    `soak: ${DURATION_S} s at ${RATE} req/s on two instances (${gateways.map((g) => g.adapter).join(', ')}), Redis ${REDIS_URL.replace(/\/\/[^@]*@/, '//')}, simulator fault rate ${FAULT_RATE}`,
  );
  console.log(`start: ${JSON.stringify(start)}`);

  const latencies = [];
  const byCode = {};
  const byKind = {};
  const answeredCodes = [];
  const sentBodies = [];
  let inflight = 0;
  let dropped = 0;
  let sent = 0;
  const MAX_INFLIGHT = 512;
  const endAt = Date.now() + DURATION_S * 1000;
  let lastReport = Date.now();

  async function one(n) {
    const gw = gateways[n % gateways.length];
    const r = n % 20;
    let kind;
    let body;
    let route = 'getWxAccessToken';
    if (r < 11 || answeredCodes.length === 0) {
      const code = codes.shift();
      if (!code) return void count('no-code', 'skipped');
      kind = 'fresh';
      body = sign({ code });
      sentBodies.push({ body, code });
      if (sentBodies.length > 5000) sentBodies.splice(0, 2500);
    } else if (r < 15) {
      kind = 'repeat';
      body = sign({ code: answeredCodes[Math.floor(Math.random() * answeredCodes.length)] });
    } else if (r < 17) {
      kind = 'retry';
      body = sentBodies[Math.floor(Math.random() * sentBodies.length)].body;
    } else {
      kind = 'authUrl';
      route = 'getWxAuthUrl';
      body = sign({ url: 'http://127.0.0.1/cb' });
    }
    const t0 = performance.now();
    let label;
    try {
      const res = await post(`${gw.url}/unipay/assist/${route}`, body);
      const json = JSON.parse(res.text);
      label =
        json.code !== 0
          ? `E${json.code}`
          : json.data?.code === 0
            ? 'ok'
            : `wx${json.data?.wxErrcode ?? json.data?.code}`;
      if (label === 'ok' && kind === 'fresh') {
        answeredCodes.push(JSON.parse(body).code);
        if (answeredCodes.length > 2000) answeredCodes.splice(0, 1000);
      }
    } catch {
      label = 'network';
    }
    latencies.push(performance.now() - t0);
    count(kind, label);
  }
  function count(kind, label) {
    byCode[label] = (byCode[label] ?? 0) + 1;
    byKind[kind] ??= {};
    byKind[kind][label] = (byKind[kind][label] ?? 0) + 1;
  }
  function post(url, body) {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        url,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode, text }));
        },
      );
      req.on('error', reject);
      req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
      req.end(body);
    });
  }

  // Open loop: requests leave on schedule whether or not earlier ones have answered (bounded in flight).
  await new Promise((resolve) => {
    const tickMs = 10;
    let due = 0;
    const began = Date.now();
    const timer = setInterval(() => {
      const now = Date.now();
      if (now >= endAt) {
        clearInterval(timer);
        resolve();
        return;
      }
      due = Math.floor(((now - began) / 1000) * RATE);
      while (sent < due) {
        sent++;
        if (inflight >= MAX_INFLIGHT) {
          dropped++;
          continue;
        }
        inflight++;
        one(sent).finally(() => inflight--);
      }
      if (now - lastReport >= 60_000) {
        lastReport = now;
        const at = Math.round((now - began) / 1000);
        const answered = latencies.length;
        redisFigures(redis, false).then(
          (r) =>
            console.log(
              `  ${at} s: ${answered} answered, ${inflight} in flight, ${JSON.stringify(byCode)}, Redis ${r.usedMemoryMb} MB, ${r.keys} keys`,
            ),
          () => console.log(`  ${at} s: ${answered} answered, ${inflight} in flight, ${JSON.stringify(byCode)}`),
        );
      }
    }, tickMs);
  });
  while (inflight > 0) await new Promise((r) => setTimeout(r, 50));
  clearInterval(refill);
  const elapsed = (Date.now() - start.at) / 1000;

  // The driver's keep-alive sockets closed first, so open handles at the end are the instances' own.
  agent.destroy();
  await new Promise((r) => setTimeout(r, 1000));
  const end = {
    at: Date.now(),
    instances: await Promise.all(gateways.map(instanceFigures)),
    redis: await redisFigures(redis),
  };
  latencies.sort((a, b) => a - b);
  const pct = (p) => round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))], 1);
  const simStats = JSON.parse((await httpCall(`${simBase}/__sim/stats`)).text);
  const alive = gateways.map((g) => g.proc.exited === null);
  const summary = {
    durationS: round(elapsed, 1),
    rateAsked: RATE,
    answered: latencies.length,
    throughputPerS: round(latencies.length / elapsed, 1),
    droppedAtClient: dropped,
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
    maxMs: round(latencies[latencies.length - 1], 1),
    byCode,
    byKind,
    simulator: { exchanges: simStats.exchanges, faultsInjected: simStats.faultsInjected },
    instancesAlive: alive,
    start: { instances: start.instances, redis: start.redis },
    end: { instances: end.instances, redis: end.redis },
  };
  console.log(`\nsoak result:\n${JSON.stringify(summary, null, 2)}`);
  if (args.json) fs.writeFileSync(args.json, JSON.stringify(summary, null, 2));
  // Left behind by this run only (its own prefix); the keys expire anyway.
  await deleteKeys(redis);
  redis.disconnect();
  if (!alive.every(Boolean)) process.exitCode = 1;
}

function track(p) {
  procs.push(p);
  return p;
}

/** RSS, heap used and open handles from the instance's /metrics (prom-client's default Node metrics, as npm start serves them). */
async function instanceFigures(gw) {
  const text = (await httpCall(`${gw.url}/metrics`)).text;
  const metric = (name) => {
    const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text);
    return m ? Number(m[1]) : null;
  };
  const mb = (v) => (v === null ? null : round(v / 1048576, 1));
  return {
    adapter: gw.adapter,
    rssMb: mb(metric('process_resident_memory_bytes')),
    heapUsedMb: mb(metric('nodejs_heap_size_used_bytes')),
    activeHandles: metric('nodejs_active_handles_total'),
  };
}

/** Redis used_memory and this run's keys (by prefix), per kind. */
async function redisFigures(redis, sample = true) {
  const info = await redis.info('memory');
  const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
  const kinds = {};
  let keys = 0;
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const k of batch) {
      keys++;
      const kind = k.slice(prefix.length).split(':')[0];
      kinds[kind] = (kinds[kind] ?? 0) + 1;
    }
  } while (cursor !== '0');
  return {
    usedMemoryMb: round(used / 1048576, 2),
    keys,
    byKind: kinds,
    ...(sample && { sample: await sampleKeys(redis) }),
  };
}

/** Per kind of key (and part: claim/result): bytes (MEMORY USAGE) and ttl left, averaged over up to 50 keys each. */
async function sampleKeys(redis) {
  const groups = {};
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const k of batch) {
      const rest = k.slice(prefix.length);
      const group = rest.split(':')[0] + (rest.endsWith('}') ? '' : `:${rest.slice(rest.lastIndexOf(':') + 1)}`);
      (groups[group] ??= []).length < 50 && groups[group].push(k);
    }
  } while (cursor !== '0' && Object.values(groups).some((g) => g.length < 50));
  const out = {};
  for (const [group, keys] of Object.entries(groups)) {
    let bytes = 0;
    let ttl = 0;
    for (const k of keys) {
      bytes += Number(await redis.memory('USAGE', k)) || 0;
      ttl += Math.max(0, await redis.pttl(k));
    }
    out[group] = { bytes: Math.round(bytes / keys.length), ttlLeftS: round(ttl / keys.length / 1000, 1) };
  }
  return out;
}

async function deleteKeys(redis) {
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (batch.length) await redis.del(...batch);
  } while (cursor !== '0');
}

function build() {
  const errors = compileWorkspace(ROOT, BUILD, path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'));
  if (errors) console.log(`(tsc reported errors; running what it emitted)\n${errors.slice(0, 1500)}`);
  if (!fs.existsSync(builtFile(BUILD, 'main.js'))) throw new Error('build produced no main.js');
}

function parseDuration(v) {
  const m = /^(\d+(?:\.\d+)?)(s|m)?$/.exec(String(v));
  if (!m) return NaN;
  return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
}

function parseArgs(list) {
  const out = {};
  for (let i = 0; i < list.length; i++) {
    const k = list[i].replace(/^--/, '');
    if (k === 'help') out.help = true;
    else out[k] = list[++i];
  }
  return out;
}
