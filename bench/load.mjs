// The load driver, forked by run.mjs so the load never shares a process (or
// an event loop) with a server under test. It takes jobs over IPC:
//   { type: 'load', url, route, connections, duration | amount, pool }
//   { type: 'retry', url, pairs }
//   { type: 'prepare', url, route, pool } then { type: 'load', ..., prepared: true }: bodies made and primed untimed
// Each request body is distinct and pre-signed before the clock starts;
// getWxAccessToken bodies carry codes pre-issued by the simulator (single-use,
// so one per request), so replay protection and WeChat never refuse one.
// Two more "routes" measure the answers that never reach WeChat (gateways only):
//   replayedRetry   getWxAccessToken bodies each sent once before the clock starts,
//                   then sent again byte for byte: every measured answer is the stored one
//   cachedExchange  codes exchanged once before the clock starts, then each measured
//                   request is a new signed body (fresh nonce) with one of those codes:
//                   every measured answer comes from the exchange cache
import autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';
import { ROUTE_PREFIX, httpCall, issueCodes, makeSigner } from './lib/common.mjs';
import { Agent } from 'node:http';

const signBody = makeSigner();
let simBase = '';

// A success envelope, not a business failure (data.code 1) or a rejection (data null).
const tokenAnswer = (b) => b.includes('"openId":"') && b.startsWith('{"code":0,');
const VERIFY = {
  getWxAccessToken: tokenAnswer,
  replayedRetry: tokenAnswer,
  cachedExchange: tokenAnswer,
  getWxAuthUrl: (b) => b.includes('"url":"') && b.startsWith('{"code":0,'),
};
/** The relay route each bench route calls. */
export const RELAY_ROUTE = {
  getWxAuthUrl: 'getWxAuthUrl',
  getWxAccessToken: 'getWxAccessToken',
  replayedRetry: 'getWxAccessToken',
  cachedExchange: 'getWxAccessToken',
};
// How many distinct codes the two no-WeChat routes prime (each one exchange before the clock starts).
const PRIMED = 2000;

async function makeBodies(route, n, url) {
  if (route === 'getWxAccessToken') {
    const codes = await issueCodes(simBase, n);
    return codes.map((code) => signBody({ code, clientIp: '127.0.0.1' }));
  }
  if (route === 'replayedRetry') {
    const bodies = (await issueCodes(simBase, PRIMED)).map((code) => signBody({ code, clientIp: '127.0.0.1' }));
    await prime(url, bodies);
    return bodies;
  }
  if (route === 'cachedExchange') {
    const codes = await issueCodes(simBase, PRIMED);
    await prime(
      url,
      codes.map((code) => signBody({ code, clientIp: '127.0.0.1' })),
    );
    return Array.from({ length: n }, (_, i) => signBody({ code: codes[i % codes.length], clientIp: '127.0.0.1' }));
  }
  return Array.from({ length: n }, (_, i) =>
    signBody({ url: 'http://127.0.0.1:8080/pay/return?order=' + i, state: 'st' + i, clientIp: '127.0.0.1' }),
  );
}

/** Sends each body once (16 at a time), untimed; any answer but a success fails the run. */
async function prime(url, bodies) {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const headers = { 'content-type': 'application/json' };
  let next = 0;
  async function worker() {
    while (next < bodies.length) {
      const body = bodies[next++];
      const res = await httpCall(`${url}${ROUTE_PREFIX}/getWxAccessToken`, { method: 'POST', body, headers, agent });
      if (!tokenAnswer(res.text)) throw new Error(`priming answered ${res.text.slice(0, 200)}`);
    }
  }
  await Promise.all(Array.from({ length: 16 }, worker));
  agent.destroy();
}

// Bodies made (and primed) by a 'prepare' job, for the next 'load' job with `prepared: true`:
// the caller reads the server's CPU time after the priming, so it is not counted.
let prepared = null;

async function load(job) {
  const bodies = job.prepared && prepared ? prepared : await makeBodies(job.route, job.pool, job.url);
  prepared = null;
  let next = 0;
  let wrapped = 0;
  const opts = {
    url: job.url,
    connections: job.connections,
    pipelining: 1,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: `${ROUTE_PREFIX}/${RELAY_ROUTE[job.route]}`,
        headers: { 'content-type': 'application/json' },
        setupRequest(req) {
          if (next >= bodies.length) {
            next = 0;
            wrapped++;
          }
          req.body = bodies[next++];
          return req;
        },
      },
    ],
    verifyBody: VERIFY[job.route],
  };
  if (job.amount) opts.amount = job.amount;
  else opts.duration = job.duration;
  // autocannon's histogram keeps whole milliseconds; loopback latencies are
  // sub-millisecond, so keep every 2xx latency (float ms) and sort once.
  const lat = [];
  const instance = autocannon(opts);
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) lat.push(ms);
  });
  const r = await instance;
  lat.sort((a, b) => a - b);
  const q = (p) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] : null);
  const seconds = (r.finish - r.start) / 1000;
  return {
    requests: r.requests.total,
    rps: r.requests.total / seconds,
    duration: seconds,
    latency: {
      p50: q(0.5),
      p90: q(0.9),
      p99: q(0.99),
      mean: lat.reduce((a, b) => a + b, 0) / (lat.length || 1),
      max: q(1),
    },
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    mismatches: r.mismatches,
    poolWrapped: wrapped,
    bodiesUsed: next + wrapped * bodies.length,
  };
}

/**
 * A client that lost the first answer retries with the same code (re-signed:
 * a fresh nonce, so it is a new request, not a replay). First exchange vs
 * retry, one at a time, each timed from send to last byte.
 */
async function retry(job) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const codes = await issueCodes(simBase, job.pairs);
  const url = `${job.url}${ROUTE_PREFIX}/getWxAccessToken`;
  const headers = { 'content-type': 'application/json' };
  const first = [];
  const again = [];
  let sameAnswer = 0;
  let retryFailures = 0;
  const samples = [];
  for (const code of codes) {
    let t = performance.now();
    const a = await httpCall(url, { method: 'POST', body: signBody({ code }), headers, agent });
    first.push(performance.now() - t);
    t = performance.now();
    const b = await httpCall(url, { method: 'POST', body: signBody({ code }), headers, agent });
    again.push(performance.now() - t);
    const ja = JSON.parse(a.text);
    const jb = JSON.parse(b.text);
    if (ja.data?.openId && ja.data.openId === jb.data?.openId && ja.data.accessToken === jb.data?.accessToken)
      sameAnswer++;
    else {
      retryFailures++;
      if (samples.length < 2) samples.push({ code: jb.code, dataCode: jb.data?.code, msg: jb.data?.msg ?? jb.msg });
    }
  }
  agent.destroy();
  const stats = (xs) => {
    const s = [...xs].sort((x, y) => x - y);
    const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
    return { p50: q(0.5), p99: q(0.99), mean: s.reduce((x, y) => x + y, 0) / s.length };
  };
  return { pairs: codes.length, first: stats(first), retry: stats(again), sameAnswer, retryFailures, samples };
}

process.on('message', async (job) => {
  try {
    simBase = job.simBase ?? simBase;
    let result;
    if (job.type === 'prepare') {
      prepared = await makeBodies(job.route, job.pool, job.url);
      result = { bodies: prepared.length };
    } else result = job.type === 'retry' ? await retry(job) : await load(job);
    process.send({ ok: true, result });
  } catch (err) {
    process.send({ ok: false, error: String(err?.stack ?? err) });
  }
});
process.send({ ready: true });
