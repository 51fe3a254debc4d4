import { RunningSimulator } from '../../src/simulator/simulator.server';
import { LogCapture } from '../support/log-capture';
import { ADAPTERS, codeFrom, post, RunningGateway, signedBody, startGateway, startSimulator } from '../support/gateway';
import { PrivateRedis, SHARED_REDIS_URL, uniquePrefix, waitFor } from '../support/redis-server';

const REPLAYED = 20061;
const STORE_UNAVAILABLE = 30010;
const authUrlBody = () => signedBody({ url: 'http://localhost:3000/back', state: 'x' });

describe.each(ADAPTERS)('replay protection over %s', (adapter) => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('accepts a signed request once on one instance (in-memory store)', async () => {
    const gw = await startGateway({ adapter, wechatBase: sim.baseUrl });
    try {
      const body = authUrlBody();
      expect((await post(gw.baseUrl, 'getWxAuthUrl', body)).json).toMatchObject({ code: 0, data: { code: 0 } });
      const again = await post(gw.baseUrl, 'getWxAuthUrl', body);
      expect(again.status).toBe(200);
      expect(again.json).toMatchObject({ code: REPLAYED, data: null });
      expect(again.json.msg).toMatch(/replay/);
    } finally {
      await gw.close();
    }
  });

  describe('two instances sharing one Redis', () => {
    let a: RunningGateway;
    let b: RunningGateway;

    beforeAll(async () => {
      const override = { redisUrl: SHARED_REDIS_URL, redisKeyPrefix: uniquePrefix(`replay-${adapter}`) };
      a = await startGateway({ adapter, wechatBase: sim.baseUrl, override });
      b = await startGateway({ adapter, wechatBase: sim.baseUrl, override });
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
    });

    it('rejects on B a request already accepted on A, and on A again', async () => {
      const body = authUrlBody();
      expect((await post(a.baseUrl, 'getWxAuthUrl', body)).json).toMatchObject({ code: 0, data: { code: 0 } });
      expect((await post(b.baseUrl, 'getWxAuthUrl', body)).json).toMatchObject({ code: REPLAYED, data: null });
      expect((await post(a.baseUrl, 'getWxAuthUrl', body)).json).toMatchObject({ code: REPLAYED, data: null });
    });

    it('rejects a replayed code exchange before WeChat is called', async () => {
      const auth = await post(a.baseUrl, 'getWxAuthUrl', authUrlBody());
      const body = signedBody({ code: await codeFrom(auth.json.data.url) });
      const first = await post(b.baseUrl, 'getWxAccessToken', body);
      expect(first.json).toMatchObject({ code: 0, data: { code: 0 } });
      const exchanges = sim.simulator.exchanges;
      const again = await post(a.baseUrl, 'getWxAccessToken', body);
      expect(again.json).toMatchObject({ code: REPLAYED, data: null });
      expect(sim.simulator.exchanges).toBe(exchanges);
    });

    it('lets exactly one of two simultaneous copies through', async () => {
      const body = authUrlBody();
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => post(i % 2 ? a.baseUrl : b.baseUrl, 'getWxAuthUrl', body)),
      );
      const codes = answers.map((r) => r.json.code).sort();
      expect(codes).toEqual([0, ...Array(9).fill(REPLAYED)]);
    });

    it('keeps distinct signed requests apart', async () => {
      for (let i = 0; i < 5; i++) {
        expect((await post(i % 2 ? a.baseUrl : b.baseUrl, 'getWxAuthUrl', authUrlBody())).json.code).toBe(0);
      }
    });
  });

  describe('Redis outage', () => {
    let redis: PrivateRedis;
    let gw: RunningGateway;
    const logs = new LogCapture();
    const unavailableLines = () => logs.assistLines().filter((l) => l.message.startsWith('redis.unavailable'));
    const recoveredLines = () => logs.assistLines().filter((l) => l.message.startsWith('redis.recovered'));

    beforeAll(async () => {
      redis = await PrivateRedis.start();
      gw = await startGateway({
        adapter,
        wechatBase: sim.baseUrl,
        logger: logs,
        // Rate limits off, so the replay store (not the rate-limit store) meets the outage first.
        override: { redisUrl: redis.url, redisKeyPrefix: uniquePrefix('outage'), rateLimit: { ip: false, merchant: false } },
      });
    });
    afterAll(async () => {
      await gw?.close();
      await redis?.stop();
    });

    it('fails closed with 30010 while Redis is down, logs the outage once, and recovers by itself', async () => {
      expect((await post(gw.baseUrl, 'getWxAuthUrl', authUrlBody())).json.code).toBe(0);
      expect(unavailableLines()).toHaveLength(0);

      await redis.stop();
      expect(await waitFor(() => unavailableLines().length > 0)).toBe(true);

      const exchanges = sim.simulator.exchanges;
      for (let i = 0; i < 8; i++) {
        const r = await post(gw.baseUrl, i % 2 ? 'getWxAuthUrl' : 'getWxAccessToken', i % 2 ? authUrlBody() : signedBody({ code: `C${i}` }));
        expect(r.status).toBe(200);
        expect(r.json).toMatchObject({ code: STORE_UNAVAILABLE, data: null });
        expect(r.json.msg).toBe('replay store (Redis) unavailable: request refused, retry shortly');
      }
      // Fail closed means no request reached WeChat.
      expect(sim.simulator.exchanges).toBe(exchanges);

      // ioredis keeps reconnecting every <= 2 s; still one outage line.
      await new Promise((r) => setTimeout(r, 2500));
      expect(unavailableLines()).toHaveLength(1);
      expect(unavailableLines()[0].level).toBe('error');
      expect(unavailableLines()[0].message).not.toContain(redis.url);

      await redis.start();
      expect(await waitFor(async () => (await post(gw.baseUrl, 'getWxAuthUrl', authUrlBody())).json.code === 0, 15_000)).toBe(true);
      expect(recoveredLines()).toHaveLength(1);
      expect(unavailableLines()).toHaveLength(1);
      // The outage id ties the two lines together.
      const outageId = /traceId=(\w+)/.exec(unavailableLines()[0].message)![1];
      expect(recoveredLines()[0].message).toContain(`traceId=${outageId}`);

      // And replay protection is back.
      const body = authUrlBody();
      expect((await post(gw.baseUrl, 'getWxAuthUrl', body)).json.code).toBe(0);
      expect((await post(gw.baseUrl, 'getWxAuthUrl', body)).json.code).toBe(REPLAYED);
    }, 40_000);
  });

  describe('Redis outage with the Redis rate-limit store', () => {
    let redis: PrivateRedis;
    let gw: RunningGateway;

    beforeAll(async () => {
      redis = await PrivateRedis.start();
      gw = await startGateway({ adapter, wechatBase: sim.baseUrl, override: { redisUrl: redis.url, redisKeyPrefix: uniquePrefix('outage-rl') } });
    });
    afterAll(async () => {
      await gw?.close();
      await redis?.stop();
    });

    it('refuses with 30010 from the first guard (per-IP limit) and recovers', async () => {
      expect((await post(gw.baseUrl, 'getWxAuthUrl', authUrlBody())).json.code).toBe(0);
      await redis.stop();
      for (const body of [authUrlBody(), {}, signedBody({ code: 'C1' })]) {
        const r = await post(gw.baseUrl, 'getWxAccessToken', body);
        expect(r.json).toMatchObject({ code: STORE_UNAVAILABLE, data: null, msg: 'rate-limit store (Redis) unavailable: request refused, retry shortly' });
      }
      await redis.start();
      expect(await waitFor(async () => (await post(gw.baseUrl, 'getWxAuthUrl', authUrlBody())).json.code === 0, 15_000)).toBe(true);
    }, 30_000);
  });
});
