import Redis from 'ioredis';
import { CodeExchangeService, ExchangeStats } from '../../src/exchange/code-exchange.service';
import { WechatSimulator } from '../../src/simulator/wechat-simulator';
import { DEMO_WECHAT_APP, post, RunningGateway, signedBody, startGateway } from '../support/gateway';
import { SHARED_REDIS_URL, uniquePrefix } from '../support/redis-server';
import { SimulatorProcess, startSimulatorProcess } from '../support/simulator-process';

const WAIT_MS = 600;

/**
 * Two gateway instances (one Express, one Fastify) sharing one real Redis
 * (a unique key prefix) and one standalone simulator process, configured
 * the way an operator would: WECHAT_API_BASE / WECHAT_OPEN_BASE / REDIS_URL.
 */
describe('idempotent exchange across two instances (shared Redis, standalone simulator)', () => {
  let sim: SimulatorProcess;
  let a: RunningGateway;
  let b: RunningGateway;
  let redis: Redis;
  const prefix = uniquePrefix('exchange');
  const saved = { ...process.env };

  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sim.baseUrl}/__sim/${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    return (await res.json()) as Record<string, any>;
  };
  const exchanges = async () => (await admin('GET', 'stats')).exchanges as number;
  const issue = async (user: string) => (await admin('POST', 'codes', { appid: DEMO_WECHAT_APP.appId, user })).code as string;
  const exchange = (gw: RunningGateway, code: string) => post(gw.baseUrl, 'getWxAccessToken', signedBody({ code }));
  const stats = (gw: RunningGateway): ExchangeStats => ({ ...gw.app.get(CodeExchangeService, { strict: false }).stats });

  beforeAll(async () => {
    sim = await startSimulatorProcess();
    Object.assign(process.env, {
      WECHAT_API_BASE: sim.baseUrl,
      WECHAT_OPEN_BASE: sim.baseUrl,
      WECHAT_TIMEOUT_MS: '3000',
      REDIS_URL: SHARED_REDIS_URL,
      EXCHANGE_WAIT_MS: String(WAIT_MS),
    });
    // The prefix keeps this run's keys apart on the shared Redis.
    a = await startGateway({ adapter: 'express', override: { redisKeyPrefix: prefix } });
    b = await startGateway({ adapter: 'fastify', override: { redisKeyPrefix: prefix } });
    redis = new Redis(SHARED_REDIS_URL);
  });
  afterAll(async () => {
    process.env = saved;
    await a?.close();
    await b?.close();
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

  it('one code sent 4 times to each instance at once: one openId, and WeChat is called once', async () => {
    const code = await issue('alice');
    const before = await exchanges();
    const [sa, sb] = [stats(a), stats(b)];
    // Slow WeChat: all 8 overlap, so one instance holds the Redis claim while the other waits.
    await admin('POST', 'faults', { kind: 'latency', ms: 200, times: 1 });
    const answers = await Promise.all([...Array(8)].map((_, i) => exchange(i % 2 ? b : a, code)));
    for (const r of answers) expect(r.json).toMatchObject({ code: 0, data: { code: 0 } });
    expect(new Set(answers.map((r) => r.json.data.openId))).toEqual(new Set([WechatSimulator.openIdFor(DEMO_WECHAT_APP.appId, 'alice')]));
    expect(new Set(answers.map((r) => r.json.data.accessToken)).size).toBe(1);
    expect((await exchanges()) - before).toBe(1);
    // One instance called WeChat; the other got the result through Redis while waiting on the claim.
    const calls = [stats(a).upstreamCalls - sa.upstreamCalls, stats(b).upstreamCalls - sb.upstreamCalls].sort();
    expect(calls).toEqual([0, 1]);
    expect(stats(a).peerResults - sa.peerResults + stats(b).peerResults - sb.peerResults).toBeGreaterThanOrEqual(1);
  });

  it('sequentially: first instance exchanges, the second answers from Redis', async () => {
    const code = await issue('bob');
    const before = await exchanges();
    const first = await exchange(a, code);
    const second = await exchange(b, code);
    const third = await exchange(a, code);
    expect(first.json.data.code).toBe(0);
    for (const r of [second, third]) {
      expect(r.json.data).toMatchObject({ code: 0, openId: first.json.data.openId, accessToken: first.json.data.accessToken });
    }
    expect((await exchanges()) - before).toBe(1);
  });

  it(`a waiting instance gives up after ${WAIT_MS} ms with 30006; its retry gets the result`, async () => {
    const code = await issue('carol');
    const before = await exchanges();
    await admin('POST', 'faults', { kind: 'latency', ms: WAIT_MS * 3, times: 1 });
    const slow = exchange(a, code);
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    const waiting = await exchange(b, code);
    expect(waiting.json).toMatchObject({ code: 30006, data: null });
    expect(waiting.json.msg).toMatch(/being exchanged/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(WAIT_MS - 150);
    expect(Date.now() - started).toBeLessThan(WAIT_MS * 2);
    const done = await slow;
    expect(done.json.data.code).toBe(0);
    const retried = await exchange(b, code);
    expect(retried.json.data.openId).toBe(done.json.data.openId);
    expect((await exchanges()) - before).toBe(1);
  });

  it('Redis holds only the hashed key and a sealed value: no code, token or openId in clear', async () => {
    const code = await issue('dave');
    const r = await exchange(a, code);
    const keys = await redis.keys(`${prefix}exchange:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(k).not.toContain(code);
    const values = await Promise.all(keys.filter((k) => k.includes(':result:')).map((k) => redis.get(k)));
    expect(values.length).toBeGreaterThan(0);
    for (const v of values) {
      expect(v).toMatch(/^v1\./);
      expect(v).not.toContain(r.json.data.accessToken);
      expect(v).not.toContain(r.json.data.openId);
    }
    const ttl = await redis.pttl(keys.find((k) => k.includes(':result:'))!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5 * 60_000);
  });
});
