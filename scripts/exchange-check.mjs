#!/usr/bin/env node
// Idempotent exchange and WeChat faults, checked from outside: plain Node
// (>= 20), node:crypto and fetch, nothing imported from src/. Talks to one or
// more running gateways and to the simulator's admin API (/__sim/*), which
// counts the exchanges WeChat served and injects faults.
//
//   node scripts/exchange-check.mjs --sim http://127.0.0.1:9100 http://127.0.0.1:9001 [http://127.0.0.1:9002 ...]
//     --sim URL          the simulator (npm run simulator, or the one npm start embeds)
//     --secret S         merchant sign secret, default 123456 (demo merchant, HMAC_SHA256)
//     --timeout-ms N     the gateways' WECHAT_TIMEOUT_MS, default 5000 (the slow-WeChat row waits past it)
//     --threshold N      the gateways' WECHAT_BREAKER_THRESHOLD, default 5
//     --half-open-ms N   the gateways' WECHAT_BREAKER_HALF_OPEN_MS, default 10000
//     --no-faults        only the idempotency checks
// Prints the exchange counts and the fault table; exit 1 on any mismatch.

import { createHmac, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    sim: { type: 'string' },
    secret: { type: 'string', default: '123456' },
    'timeout-ms': { type: 'string', default: '5000' },
    threshold: { type: 'string', default: '5' },
    'half-open-ms': { type: 'string', default: '10000' },
    'no-faults': { type: 'boolean', default: false },
  },
});
const GATEWAYS = positionals.map((u) => u.replace(/\/+$/, ''));
if (!opts.sim || GATEWAYS.length === 0) {
  console.error('usage: node scripts/exchange-check.mjs --sim SIM_URL GATEWAY_URL [GATEWAY_URL ...]');
  process.exit(2);
}
const SIM = opts.sim.replace(/\/+$/, '');
const TIMEOUT_MS = Number(opts['timeout-ms']);
const THRESHOLD = Number(opts.threshold);
const HALF_OPEN_MS = Number(opts['half-open-ms']);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- DaxPay HMAC_SHA256 signature, from SPEC.md ----
function sign(fields) {
  const names = Object.keys(fields)
    .filter((k) => k !== 'sign' && fields[k] != null)
    .sort();
  const input = `${names
    .map((k) => `${k}=${fields[k]}`)
    .join('&')
    .replace(/["\\]/g, '')}&key=${opts.secret}`;
  return createHmac('sha256', opts.secret).update(input).digest('hex');
}
function signed(fields) {
  const body = { nonceStr: randomBytes(8).toString('hex'), reqTime: Math.floor(Date.now() / 1000), ...fields };
  return { ...body, sign: sign(body) };
}
async function call(gw, route, fields) {
  const res = await fetch(`${gw}/unipay/assist/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(signed(fields)),
  });
  return res.json();
}

// ---- the simulator's admin API ----
async function admin(method, path, body) {
  const res = await fetch(`${SIM}/__sim/${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`simulator admin ${method} ${path}: HTTP ${res.status}`);
  return res.json();
}
const exchanges = async () => (await admin('GET', 'stats')).exchanges;

/** A code the outside way: getWxAuthUrl, then follow WeChat's authorize redirect as user `user`. */
async function codeFor(user) {
  const auth = await call(GATEWAYS[0], 'getWxAuthUrl', { url: 'http://localhost:3000/pay/return' });
  if (auth.code !== 0 || auth.data?.code !== 0) throw new Error(`getWxAuthUrl failed: ${JSON.stringify(auth)}`);
  const url = auth.data.url.replace('#wechat_redirect', `&sim_user=${encodeURIComponent(user)}#wechat_redirect`);
  const res = await fetch(url, { redirect: 'manual' });
  const code = new URL(res.headers.get('location') ?? 'http://x/').searchParams.get('code');
  if (!code) throw new Error(`authorize gave no code (HTTP ${res.status})`);
  return code;
}

const exchange = (gw, code) => call(gw, 'getWxAccessToken', { code });
function outcome(a) {
  if (a.code !== 0) return `envelope ${a.code}`;
  if (a.data.code === 0) return 'success';
  return `data.code 1, wxErrcode ${a.wxErrcode}`;
}

let failures = 0;
function check(label, ok, detail) {
  if (!ok) failures++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}${detail ? ` (${detail})` : ''}`);
}

// ---- idempotency ----
console.log(`gateways: ${GATEWAYS.join(', ')}; simulator: ${SIM}\n`);
await admin('DELETE', 'faults');
const counts = [];
{
  const code = await codeFor('seq-user');
  const c0 = await exchanges();
  const answers = [];
  for (let i = 0; i < 3; i++) answers.push(await exchange(GATEWAYS[i % GATEWAYS.length], code));
  const n = (await exchanges()) - c0;
  const ids = new Set(answers.map((a) => a.data?.openId));
  counts.push(['same code sent 3 times, one after another', answers.map(outcome).join(' / '), ids.size, n]);
  check(
    'sequential retries: same openId, one exchange',
    answers.every((a) => a.data?.code === 0) && ids.size === 1 && n === 1,
    `${n} exchange(s)`,
  );
}
{
  const code = await codeFor('burst-user');
  const c0 = await exchanges();
  await admin('POST', 'faults', { kind: 'latency', ms: 200, times: 1 });
  const answers = await Promise.all([...Array(8)].map((_, i) => exchange(GATEWAYS[i % GATEWAYS.length], code)));
  const n = (await exchanges()) - c0;
  const ids = new Set(answers.map((a) => a.data?.openId));
  counts.push([
    `same code sent 8 times at once, spread over ${GATEWAYS.length} instance(s)`,
    answers.map(outcome).join(' / '),
    ids.size,
    n,
  ]);
  check(
    '8 concurrent: same openId, one exchange',
    answers.every((a) => a.data?.code === 0) && ids.size === 1 && n === 1,
    `${n} exchange(s)`,
  );
}
console.log('\n| scenario | answers | distinct openIds | exchanges WeChat served |\n|---|---|---|---|');
for (const r of counts) console.log(`| ${r.join(' | ')} |`);

// ---- faults (first gateway only: the breaker is per instance and per WeChat host) ----
if (!opts['no-faults']) {
  const gw = GATEWAYS[0];
  const rows = [];
  async function row(label, faults, expected, settleMs = 0) {
    await admin('DELETE', 'faults');
    if (faults.length) await admin('POST', 'faults', faults);
    const code = await codeFor(`fault-${rows.length}`);
    const c0 = await exchanges();
    const first = await exchange(gw, code);
    const c1 = await exchanges();
    await admin('DELETE', 'faults');
    await sleep(settleMs);
    const again = await exchange(gw, code);
    const c2 = await exchanges();
    const r = { label, got: outcome(first), calls: c1 - c0, again: `${outcome(again)}, ${c2 - c1} call(s)` };
    rows.push(r);
    check(
      `${label}: ${expected.got}, ${expected.calls} call(s)`,
      r.got === expected.got && r.calls === expected.calls,
      `got ${r.got}, ${r.calls}`,
    );
  }
  await row('none', [], { got: 'success', calls: 1 });
  await row('-1 busy, next call', [{ kind: 'busy', times: 1 }], { got: 'success', calls: 2 });
  await row('-1 busy, next 2 calls', [{ kind: 'busy', times: 2 }], { got: 'data.code 1, wxErrcode -1', calls: 2 });
  await row('connection reset, next call', [{ kind: 'reset', times: 1 }], { got: 'success', calls: 2 });
  await row('connection reset, next 2 calls', [{ kind: 'reset', times: 2 }], { got: 'envelope 29301', calls: 2 });
  await row('HTTP 502, next call', [{ kind: 'http', status: 502, times: 1 }], { got: 'envelope 29304', calls: 1 });
  await row('non-JSON body, next call', [{ kind: 'non-json', times: 1 }], { got: 'envelope 29303', calls: 1 });
  await row(
    `latency ${TIMEOUT_MS + 1000} ms (> timeout), next call`,
    [{ kind: 'latency', ms: TIMEOUT_MS + 1000, times: 1 }],
    { got: 'envelope 29302', calls: 1 },
    1500,
  );
  await row('errcode 45011 (rate limit), next call', [{ kind: 'errcode', errcode: 45011, times: 1 }], {
    got: 'data.code 1, wxErrcode 45011',
    calls: 1,
  });
  await row('errcode 40029 (invalid code), next call', [{ kind: 'errcode', errcode: 40029, times: 1 }], {
    got: 'data.code 1, wxErrcode 40029',
    calls: 1,
  });
  await row('errcode 42003 (code expired), next call', [{ kind: 'errcode', errcode: 42003, times: 1 }], {
    got: 'data.code 1, wxErrcode 42003',
    calls: 1,
  });

  // WeChat down: reset on every call until the circuit opens.
  await admin('DELETE', 'faults');
  await admin('POST', 'faults', { kind: 'reset', share: 1 });
  let made;
  let requests = 0;
  let last;
  const c0 = await exchanges();
  while (requests < 10) {
    requests++;
    last = await exchange(gw, await codeFor(`down-${requests}`));
    if (last.code === 29305) break;
  }
  made = (await exchanges()) - c0;
  rows.push({
    label: `reset on every call (WeChat down): ${requests} requests`,
    got: `… until ${outcome(last)}`,
    calls: made,
    again: '-',
  });
  check(
    `circuit opens after ${THRESHOLD} failed calls`,
    last.code === 29305 && made === THRESHOLD,
    `${made} calls in ${requests} requests`,
  );
  const cOpen = await exchanges();
  const fast = await exchange(gw, await codeFor('down-open'));
  const fastCalls = (await exchanges()) - cOpen;
  rows.push({ label: 'next request while open', got: outcome(fast), calls: fastCalls, again: '-' });
  check('open circuit fails fast with 29305 and no call', fast.code === 29305 && fastCalls === 0);
  await admin('DELETE', 'faults');
  console.log(`\n(waiting ${HALF_OPEN_MS} ms for the half-open probe)`);
  await sleep(HALF_OPEN_MS + 200);
  const cProbe = await exchanges();
  const probe = await exchange(gw, await codeFor('down-probe'));
  const probeCalls = (await exchanges()) - cProbe;
  rows.push({
    label: `WeChat back, after ${HALF_OPEN_MS} ms (half-open probe)`,
    got: outcome(probe),
    calls: probeCalls,
    again: 'circuit closed',
  });
  check('half-open probe succeeds and closes the circuit', probe.data?.code === 0 && probeCalls === 1);

  console.log(
    '\n| fault injected | client got | upstream calls | same code again, faults cleared |\n|---|---|---|---|',
  );
  for (const r of rows) console.log(`| ${r.label} | ${r.got} | ${r.calls} | ${r.again} |`);
}

console.log(failures ? `\n${failures} check(s) FAILED` : '\nall checks passed');
process.exit(failures ? 1 : 0);
