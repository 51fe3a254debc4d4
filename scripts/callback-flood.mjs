#!/usr/bin/env node
// The hosted flow's callback under an unauthenticated flood, measured on
// loopback (bounded; not part of CI). One gateway (the demo app, built) with
// the embedded WeChat simulator; V victim flows are started, then N callbacks
// with random codes are sent at ONE target flow's state (readable off any
// checkout QR) and N more at random unknown states. Reports WeChat calls for
// the target state, the answers by status, the store's entries before/after
// (memory store), and how many victim flows survive and still complete.
//
//   npm run build && node scripts/callback-flood.mjs [--adapter express|fastify] [--store memory|redis]
//        [--callbacks 5000] [--victims 50] [--concurrency 8] [--ip-limit off|default]
//        [--redis-url redis://127.0.0.1:6379]
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { createDemoApp } = require('../apps/demo/dist/create-demo-app.js');
const { DEMO_MERCHANT, DEMO_WECHAT_APP } = require('../apps/demo/dist/demo-merchant.js');
const { startSimulatorServer } = require('../packages/simulator/dist/cjs/simulator.server.js');
const {
  MemoryChannelAuthStore,
} = require('../packages/unipay-assist/dist/cjs/channel-auth/memory-channel-auth.store.js');
const { withSign } = require('@unipay-assist/wire');

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const adapter = args.adapter ?? 'express';
const storeKind = args.store ?? 'memory';
const N = Number(args.callbacks ?? 5000);
const VICTIMS = Number(args.victims ?? 50);
const CONCURRENCY = Number(args.concurrency ?? 8);
const ipLimit = (args['ip-limit'] ?? 'off') === 'off' ? false : undefined;

const sim = await startSimulatorServer({ apps: [DEMO_WECHAT_APP] });
const memory = new MemoryChannelAuthStore();
const port = 20000 + Math.floor(Math.random() * 20000);
const base = `http://127.0.0.1:${port}`;
const app = await createDemoApp({
  adapter,
  logger: false,
  wechatBase: sim.baseUrl,
  override: {
    merchants: [DEMO_MERCHANT],
    hostedAuth: { publicBaseUrl: base },
    rateLimit: { ip: ipLimit, merchant: false },
    ...(storeKind === 'redis'
      ? {
          redisUrl: args['redis-url'] ?? 'redis://127.0.0.1:6379',
          redisKeyPrefix: `flood:${randomBytes(6).toString('hex')}:`,
        }
      : { channelAuthStore: memory }),
  },
});
await app.listen(port, '127.0.0.1');

const signed = (fields) =>
  withSign(
    { reqTime: Math.floor(Date.now() / 1000), nonceStr: randomBytes(8).toString('hex'), ...fields },
    'HMAC_SHA256',
    DEMO_MERCHANT.signSecret,
  );
async function channelAuth(route, fields) {
  const res = await fetch(`${base}/unipay/assist/channel/auth/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(signed(fields)),
  });
  return (await res.json()).data;
}
const stateOf = (authUrl) => new URL(authUrl.split('#')[0]).searchParams.get('state');

const victims = [];
for (let i = 0; i < VICTIMS; i++) victims.push(await channelAuth('generateAuthUrl', { channel: 'wechat_pay' }));
const target = await channelAuth('generateAuthUrl', { channel: 'wechat_pay' });
const targetState = stateOf(target.authUrl);

async function flood(stateFor) {
  const statuses = {};
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < N) {
        next++;
        const res = await fetch(
          `${base}/unipay/assist/channel/auth/callback/wechat?code=${randomBytes(16).toString('hex')}&state=${stateFor()}`,
          { redirect: 'manual' },
        );
        await res.arrayBuffer();
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      }
    }),
  );
  return { statuses, seconds: Number(((performance.now() - t0) / 1000).toFixed(1)) };
}

const entriesBefore = memory.size;
const callsBefore = sim.simulator.exchanges;
const atTarget = await flood(() => targetState);
const targetCalls = sim.simulator.exchanges - callsBefore;
const entriesAfterTarget = memory.size;
const unknown = await flood(() =>
  Array.from(randomBytes(26), (b) => 'abcdefghijklmnopqrstuvwxyz234567'[b & 31]).join(''),
);
const entriesAfterUnknown = memory.size;

let waiting = 0;
let completed = 0;
for (const v of victims) {
  if ((await channelAuth('auth', { channel: 'wechat_pay', queryCode: v.queryCode })).status === 'waiting') waiting++;
}
// Every victim's payer still completes.
for (const v of victims) {
  const authorize = new URL(v.authUrl.split('#')[0]);
  authorize.searchParams.set('sim_user', `victim-${completed}`);
  const back = await fetch(authorize, { redirect: 'manual' });
  const page = await fetch(back.headers.get('location'), { redirect: 'manual' });
  if ((await page.text()).includes('Authorization complete')) completed++;
}
const targetRead = await channelAuth('auth', { channel: 'wechat_pay', queryCode: target.queryCode });

console.log(
  JSON.stringify(
    {
      adapter,
      store: storeKind,
      callbacks: N,
      concurrency: CONCURRENCY,
      ipLimit: ipLimit === false ? 'off' : 'default',
      atOneState: {
        ...atTarget,
        wechatCalls: targetCalls,
        targetFlow: targetRead.code === 1 ? `failed: ${targetRead.msg}` : targetRead.status,
      },
      atUnknownStates: unknown,
      storeEntries:
        storeKind === 'memory'
          ? { before: entriesBefore, afterOneState: entriesAfterTarget, afterUnknownStates: entriesAfterUnknown }
          : 'n/a (Redis)',
      victims: { started: VICTIMS, stillWaiting: waiting, completedAfterwards: completed },
    },
    null,
    2,
  ),
);
await app.close();
await sim.close();
