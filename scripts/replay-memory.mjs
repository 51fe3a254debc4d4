#!/usr/bin/env node
// Memory bound of MemoryReplayStore: pushes N distinct claims (default 1 000 000)
// through the store, keys shaped like the guard's (sha256, base64url, 43 chars),
// and prints heapUsed/rss before, after, and after the entries' window expired.
//
//   npm run build && node --expose-gc scripts/replay-memory.mjs [claims] [ratePerSecond] [ttlSeconds] [maxEntries]
//
// The clock is simulated (claimSync takes `now`), so a million claims at
// 1000/s with a 300 s window take seconds, not 17 minutes.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { MemoryReplayStore } = require('../packages/unipay-assist/dist/cjs/replay/memory-replay.store.js');

const claims = Number(process.argv[2] ?? 1_000_000);
const rate = Number(process.argv[3] ?? 1000);
const ttlMs = Number(process.argv[4] ?? 300) * 1000;
const maxEntries = process.argv[5] ? Number(process.argv[5]) : undefined;
if (typeof global.gc !== 'function') {
  console.error('run with node --expose-gc for stable figures');
  process.exit(2);
}

const mib = (n) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
function snapshot(label, store) {
  global.gc();
  global.gc();
  const m = process.memoryUsage();
  const row = { label, entries: store?.size ?? 0, heapUsed: mib(m.heapUsed), rss: mib(m.rss) };
  console.log(JSON.stringify(row));
  return m;
}

const key = (i) =>
  createHash('sha256')
    .update(`M1000000001\u0000A1000000001\u0000${i.toString(16).padStart(64, '0')}`)
    .digest('base64url');

const before = snapshot('before');
const store = new MemoryReplayStore(maxEntries ? { maxEntries } : {});
const t0 = Date.now();
let now = 1_700_000_000_000;
let accepted = 0;
for (let i = 0; i < claims; i++) {
  now += 1000 / rate;
  if (store.claimSync(key(i), ttlMs, Math.floor(now))) accepted++;
}
const elapsed = Date.now() - t0;
// A replay of the newest claim is still caught.
const replayCaught = !store.claimSync(key(claims - 1), ttlMs, Math.floor(now));
const after = snapshot(
  `after ${claims} distinct claims (${elapsed} ms, ${accepted} accepted, newest replay caught: ${replayCaught})`,
  store,
);

// The window passes; ordinary traffic sweeps the expired entries (64 per claim) until only new claims remain.
now += ttlMs + 1000;
let sweeps = 0;
while (store.size > sweeps && sweeps < 100_000) {
  store.claimSync(key(claims + sweeps), ttlMs, Math.floor(now));
  sweeps++;
}
const expired = snapshot(`after expiry (+${ttlMs / 1000 + 1} s, ${sweeps} new claims)`, store);

console.log(
  JSON.stringify({
    claims,
    ratePerSecond: rate,
    ttlSeconds: ttlMs / 1000,
    cap: maxEntries ?? 100_000,
    heapGrowthAfter: mib(after.heapUsed - before.heapUsed),
    heapGrowthAfterExpiry: mib(expired.heapUsed - before.heapUsed),
    node: process.version,
  }),
);
