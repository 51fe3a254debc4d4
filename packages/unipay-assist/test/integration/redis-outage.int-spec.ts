import { AssistRedis, AssistRedisClient } from '../../src/redis/assist-redis';
import { RunningSimulator } from '../../../simulator/src/simulator.server';
import {
  ADAPTERS,
  post,
  RunningGateway,
  signedBody,
  startGateway,
  startSimulator,
} from '../../../../test/support/gateway';
import { LogCapture } from '../../../../test/support/log-capture';
import { startMinimalHost } from '../../../../test/support/minimal-host';
import { PrivateRedis, SHARED_REDIS_URL, uniquePrefix } from '../../../../test/support/redis-server';
import { waitFor } from '../../../../test/support/wait';

const STORE_UNAVAILABLE = 29310;
const authUrlBody = () => signedBody({ url: 'http://localhost:3000/back', state: 'x' });

/** The module's one ioredis client in a running app. */
function moduleRedis(gw: RunningGateway): AssistRedisClient {
  const client = gw.app.get<symbol, AssistRedisClient | null>(AssistRedis, { strict: false });
  if (!client) throw new Error('the gateway has no Redis client');
  return client;
}

/**
 * The Redis-backed stores when their Redis goes away and comes back: a
 * private redis-server this suite stops and starts (never the shared one).
 */
describe.each(ADAPTERS)('Redis outage over %s', (adapter) => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => {
    await sim?.close();
  });

  describe('replay store', () => {
    let redis: PrivateRedis;
    let gw: RunningGateway;
    const logs = new LogCapture();
    const unavailableLines = () => logs.assistLines().filter((l) => l.message.startsWith('redis.unavailable'));
    const recoveredLines = () => logs.assistLines().filter((l) => l.message.startsWith('redis.recovered'));

    beforeAll(async () => {
      redis = await PrivateRedis.start();
      gw = await startMinimalHost({
        adapter,
        wechatBase: sim.baseUrl,
        logger: logs,
        // Rate limits off, so the replay store (not the rate-limit store) meets the outage first.
        override: {
          redisUrl: redis.url,
          redisKeyPrefix: uniquePrefix('outage'),
          rateLimit: { ip: false, merchant: false },
        },
      });
    });
    afterAll(async () => {
      await gw?.close();
      await redis?.stop();
    });

    it('fails closed with 29310 while Redis is down, logs the outage once however often ioredis retries, and recovers by itself', async () => {
      expect((await post(gw.baseUrl, 'getWxAuthUrl', authUrlBody())).json.code).toBe(0);
      expect(unavailableLines()).toHaveLength(0);
      let reconnects = 0;
      moduleRedis(gw).on('reconnecting', () => reconnects++);

      await redis.stop();
      expect(await waitFor(() => unavailableLines().length > 0)).toBe(true);

      const exchanges = sim.simulator.exchanges;
      for (let i = 0; i < 8; i++) {
        const r = await post(
          gw.baseUrl,
          i % 2 ? 'getWxAuthUrl' : 'getWxAccessToken',
          i % 2 ? authUrlBody() : signedBody({ code: `C${i}` }),
        );
        expect(r.status).toBe(200);
        expect(r.json).toMatchObject({ code: STORE_UNAVAILABLE, data: null });
        expect(r.json.msg).toBe('replay store (Redis) unavailable: request refused, retry shortly');
      }
      // Fail closed means no request reached WeChat.
      expect(sim.simulator.exchanges).toBe(exchanges);

      // Several failed reconnect attempts (counted, not waited for by the clock): still one outage line.
      expect(await waitFor(() => reconnects >= 3, 20_000)).toBe(true);
      expect(unavailableLines()).toHaveLength(1);
      expect(unavailableLines()[0].level).toBe('error');
      expect(unavailableLines()[0].message).not.toContain(redis.url);

      await redis.start();
      expect(
        await waitFor(async () => (await post(gw.baseUrl, 'getWxAuthUrl', authUrlBody())).json.code === 0, 30_000),
      ).toBe(true);
      expect(recoveredLines()).toHaveLength(1);
      expect(unavailableLines()).toHaveLength(1);
      // The outage id ties the two lines together.
      const outageId = /traceId=(\w+)/.exec(unavailableLines()[0].message)![1];
      expect(recoveredLines()[0].message).toContain(`traceId=${outageId}`);

      // And the replay memory is back: a copy gets the stored first answer (the default, replay: 'answer').
      const body = authUrlBody();
      const first = await post(gw.baseUrl, 'getWxAuthUrl', body);
      expect(first.json.code).toBe(0);
      expect((await post(gw.baseUrl, 'getWxAuthUrl', body)).text).toBe(first.text);
    }, 120_000);
  });

  describe('rate-limit store', () => {
    let redis: PrivateRedis;
    let gw: RunningGateway;

    beforeAll(async () => {
      redis = await PrivateRedis.start();
      gw = await startMinimalHost({
        adapter,
        wechatBase: sim.baseUrl,
        override: { redisUrl: redis.url, redisKeyPrefix: uniquePrefix('outage-rl') },
      });
    });
    afterAll(async () => {
      await gw?.close();
      await redis?.stop();
    });

    it('refuses with 29310 from the first guard (per-IP limit) and recovers', async () => {
      expect((await post(gw.baseUrl, 'getWxAuthUrl', authUrlBody())).json.code).toBe(0);
      await redis.stop();
      for (const body of [authUrlBody(), {}, signedBody({ code: 'C1' })]) {
        const r = await post(gw.baseUrl, 'getWxAccessToken', body);
        expect(r.json).toMatchObject({
          code: STORE_UNAVAILABLE,
          data: null,
          msg: 'rate-limit store (Redis) unavailable: request refused, retry shortly',
        });
      }
      await redis.start();
      expect(
        await waitFor(async () => (await post(gw.baseUrl, 'getWxAuthUrl', authUrlBody())).json.code === 0, 30_000),
      ).toBe(true);
    }, 90_000);
  });
});

/** The health indicator (the demo's /health, where a host would mount it) over a real Redis. */
describe('health with Redis', () => {
  const get = async (url: string) => {
    const res = await fetch(url);
    return { status: res.status, text: await res.text() };
  };

  it('is up with a reachable Redis and 503 (redis down) when it stops', async () => {
    const sim = await startSimulator();
    const redis = await PrivateRedis.start();
    const gw = await startGateway({
      adapter: 'express',
      wechatBase: sim.baseUrl,
      override: { redisUrl: redis.url, redisKeyPrefix: uniquePrefix('ops-health') },
    });
    try {
      expect(await waitFor(async () => (await get(`${gw.baseUrl}/health`)).status === 200)).toBe(true);
      expect(JSON.parse((await get(`${gw.baseUrl}/health`)).text).info.unipayAssist.redis).toBe('up');
      await redis.stop();
      expect(await waitFor(async () => (await get(`${gw.baseUrl}/health`)).status === 503)).toBe(true);
      const down = JSON.parse((await get(`${gw.baseUrl}/health`)).text);
      expect(down).toMatchObject({ status: 'error', error: { unipayAssist: { status: 'down', redis: 'down' } } });
    } finally {
      await gw.close();
      await redis.stop();
      await sim.close();
    }
  });

  it('is up on the shared Redis', async () => {
    const gw = await startGateway({
      adapter: 'fastify',
      override: { redisUrl: SHARED_REDIS_URL, redisKeyPrefix: uniquePrefix('ops-health') },
    });
    try {
      expect(await waitFor(async () => (await get(`${gw.baseUrl}/health`)).status === 200)).toBe(true);
    } finally {
      await gw.close();
    }
  });
});
