import { exchangeKeys } from '../../src/redis/redis-keys';
import Redis from 'ioredis';
import { CodeExchangeService, ExchangeStats } from '../../src/exchange/code-exchange.service';
import { exchangeKey, exchangeScope, sealExchange } from '../../src/exchange/exchange-key';
import { DEMO_MERCHANT } from '../../../../apps/demo/src/demo-merchant';
import { sealingKey } from '../../src/kernel/seal';
import { WechatSimulator } from '../../../simulator/src/wechat-simulator';
import { DEMO_WECHAT_APP, post, RunningGateway, signedBody, startGateway } from '../../../../test/support/gateway';
import { LogCapture } from '../../../../test/support/log-capture';
import { SHARED_REDIS_URL, uniquePrefix } from '../../../../test/support/redis-server';
import { simAdmin } from '../../../../test/support/sim-admin';
import { SimulatorProcess, startSimulatorProcess } from '../../../../test/support/simulator-process';
import { waitFor } from '../../../../test/support/wait';

/** The demo merchant's own relay calls: the scope getWxAccessToken's exchanges run in. */
const DIRECT = exchangeScope({ mchNo: DEMO_MERCHANT.mchNo, appId: DEMO_MERCHANT.appId }, 'direct');

/** How long a and b wait for a peer's claim: far longer than any exchange here, so no answer depends on speed. */
const PEER_WAIT_MS = 10_000;
/** The third instance's wait, for the 29306 case (the claim there is held by the test itself). */
const SHORT_WAIT_MS = 300;

/**
 * Gateway instances (Express and Fastify) sharing one real Redis (a unique
 * key prefix) and one standalone simulator process, configured the way an
 * operator would: WECHAT_API_BASE / WECHAT_OPEN_BASE / REDIS_URL /
 * EXCHANGE_WAIT_MS. Where another instance's timing would matter, the test
 * plays that instance itself, holding or filling the Redis claim and result.
 */
describe('idempotent exchange across instances (shared Redis, standalone simulator)', () => {
  let sim: SimulatorProcess;
  let a: RunningGateway;
  let b: RunningGateway;
  let c: RunningGateway;
  let redis: Redis;
  const prefix = uniquePrefix('exchange');
  const saved = { ...process.env };
  // Every instance logs here: Nest's static Logger follows the last app created, so one capture for all
  // is the one that reliably sees b's lines (filtered by this code's digest, which only b is sent).
  const logs = new LogCapture();

  const admin = () => simAdmin(sim.baseUrl);
  const issue = (user: string) => admin().issueCode(DEMO_WECHAT_APP.appId, user);
  const exchange = (gw: RunningGateway, code: string) => post(gw.baseUrl, 'getWxAccessToken', signedBody({ code }));
  const stats = (gw: RunningGateway): ExchangeStats => ({
    ...gw.app.get(CodeExchangeService, { strict: false }).stats,
  });
  const reused = (s: ExchangeStats) => s.joined + s.cacheHits + s.peerResults;
  const claimKey = (code: string) => exchangeKeys(prefix, exchangeKey(DEMO_WECHAT_APP.appId, code, DIRECT)).claim;
  const resultKey = (code: string) => exchangeKeys(prefix, exchangeKey(DEMO_WECHAT_APP.appId, code, DIRECT)).result;

  beforeAll(async () => {
    sim = await startSimulatorProcess();
    Object.assign(process.env, {
      WECHAT_API_BASE: sim.baseUrl,
      WECHAT_OPEN_BASE: sim.baseUrl,
      WECHAT_TIMEOUT_MS: '3000',
      REDIS_URL: SHARED_REDIS_URL,
      EXCHANGE_WAIT_MS: String(PEER_WAIT_MS),
    });
    // The prefix keeps this run's keys apart on the shared Redis.
    a = await startGateway({ adapter: 'express', logger: logs, override: { redisKeyPrefix: prefix } });
    b = await startGateway({ adapter: 'fastify', logger: logs, override: { redisKeyPrefix: prefix } });
    c = await startGateway({
      adapter: 'fastify',
      logger: logs,
      override: { redisKeyPrefix: prefix, exchange: { waitMs: SHORT_WAIT_MS } },
    });
    redis = new Redis(SHARED_REDIS_URL);
  });
  afterAll(async () => {
    process.env = saved;
    await a?.close();
    await b?.close();
    await c?.close();
    if (redis) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    }
    await sim?.stop();
  });

  it('the gateways really talk to the standalone simulator', async () => {
    const auth = await post(a.baseUrl, 'getWxAuthUrl', signedBody({ url: 'http://localhost:3000/pay' }));
    expect(auth.json.data.url.startsWith(`${sim.baseUrl}/connect/oauth2/authorize?`)).toBe(true);
    expect(sim.stdout()).toContain(`simulator on ${sim.baseUrl}`);
  });

  it('one code sent 4 times to each instance at once: one openId, one token, and WeChat is called once', async () => {
    const code = await issue('alice');
    const before = await admin().exchanges();
    const [sa, sb] = [stats(a), stats(b)];
    // A slow WeChat makes overlap likely; nothing below depends on how much overlap there was.
    await admin().addFaults({ kind: 'latency', ms: 200, times: 1 });
    const answers = await Promise.all([...Array(8)].map((_, i) => exchange(i % 2 ? b : a, code)));
    for (const r of answers) expect(r.json).toMatchObject({ code: 0, data: { code: 0 } });
    expect(new Set(answers.map((r) => r.json.data.openId))).toEqual(
      new Set([WechatSimulator.openIdFor(DEMO_WECHAT_APP.appId, 'alice')]),
    );
    expect(new Set(answers.map((r) => r.json.data.accessToken)).size).toBe(1);
    expect((await admin().exchanges()) - before).toBe(1);
    // One instance called WeChat once; every other answer of both was reused (joined in-process, cached, or a peer's through Redis).
    const calls = [stats(a).upstreamCalls - sa.upstreamCalls, stats(b).upstreamCalls - sb.upstreamCalls].sort();
    expect(calls).toEqual([0, 1]);
    expect(reused(stats(a)) - reused(sa) + reused(stats(b)) - reused(sb)).toBe(7);
  });

  it('sequentially: first instance exchanges, the second answers from Redis', async () => {
    const code = await issue('bob');
    const before = await admin().exchanges();
    const first = await exchange(a, code);
    const second = await exchange(b, code);
    const third = await exchange(a, code);
    expect(first.json.data.code).toBe(0);
    for (const r of [second, third]) {
      expect(r.json.data).toMatchObject({
        code: 0,
        openId: first.json.data.openId,
        accessToken: first.json.data.accessToken,
      });
    }
    expect((await admin().exchanges()) - before).toBe(1);
  });

  describe('another instance holds the claim (played by the test, through Redis)', () => {
    it(`the waiting instance gives up with 29306 once its ${SHORT_WAIT_MS} ms wait runs out, without calling WeChat`, async () => {
      const code = await issue('carol');
      const before = await admin().exchanges();
      await redis.set(claimKey(code), 'the-other-instance', 'PX', 60_000);
      const started = Date.now();
      const waiting = await exchange(c, code);
      expect(waiting.json).toMatchObject({ code: 29306, data: null });
      expect(waiting.json.msg).toMatch(/being exchanged/);
      // A lower bound only (it polls with pauses of at most 200 ms): no machine makes the wait shorter.
      expect(Date.now() - started).toBeGreaterThanOrEqual(SHORT_WAIT_MS - 200);
      expect((await admin().exchanges()) - before).toBe(0);
      // The holder gives up without a result: the next request calls WeChat itself.
      await redis.del(claimKey(code));
      const retried = await exchange(c, code);
      expect(retried.json.data).toMatchObject({
        code: 0,
        openId: WechatSimulator.openIdFor(DEMO_WECHAT_APP.appId, 'carol'),
      });
      expect((await admin().exchanges()) - before).toBe(1);
    });

    it("a request waiting on the claim answers with the holder's result once it is stored, and never calls WeChat", async () => {
      const code = await issue('erin');
      const before = await admin().exchanges();
      const sb = stats(b);
      await redis.set(claimKey(code), 'the-other-instance', 'PX', 60_000);
      const key = exchangeKey(DEMO_WECHAT_APP.appId, code, DIRECT);
      const digest = key.slice(key.lastIndexOf(':') + 1, key.lastIndexOf(':') + 13);
      const pending = exchange(b, code);
      // Store only once b is waiting (its exchange.waiting line: a state polled for, not a time guessed).
      expect(
        await waitFor(() =>
          logs.assistLines().some((l) => l.message.startsWith('exchange.waiting') && l.message.includes(digest)),
        ),
      ).toBe(true);
      const sealed = sealExchange(
        { openId: 'oFROM-THE-PEER-0000000000000', accessToken: 'AT_FROM_THE_PEER', expiresAt: Date.now() + 60_000 },
        sealingKey(DEMO_WECHAT_APP.appId, DEMO_WECHAT_APP.appSecret),
        key,
      );
      await redis.set(resultKey(code), sealed, 'PX', 60_000);
      const answer = await pending;
      expect(answer.json.data).toMatchObject({
        code: 0,
        openId: 'oFROM-THE-PEER-0000000000000',
        accessToken: 'AT_FROM_THE_PEER',
      });
      expect(stats(b).peerResults - sb.peerResults).toBe(1);
      expect((await admin().exchanges()) - before).toBe(0);
      await redis.del(claimKey(code));
    });
  });

  it('Redis holds only the hashed key and a sealed value: no code, token or openId in clear', async () => {
    const code = await issue('dave');
    const r = await exchange(a, code);
    const keys = await redis.keys(`${prefix}exchange:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(k).not.toContain(code);
    const values = await Promise.all(keys.filter((k) => k.endsWith(':result')).map((k) => redis.get(k)));
    expect(values.length).toBeGreaterThan(0);
    for (const v of values) {
      expect(v).toMatch(/^v1\./);
      expect(v).not.toContain(r.json.data.accessToken);
      expect(v).not.toContain(r.json.data.openId);
    }
    const ttl = await redis.pttl(resultKey(code));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5 * 60_000);
  });
});
