import Redis from 'ioredis';
import { AssistMetrics } from '../../src/kernel/assist.metrics';
import {
  clientCheck,
  DIALECT_OF,
  FIXTURE,
  fixtureMerchant,
  Generation,
  GENERATIONS,
  OPEN_ID,
  sdkRequest,
  WechatStub,
  WireSignType,
} from '../../../../test/support/daxpay-wire';
import { ADAPTERS, post, RunningGateway, startGateway } from '../../../../test/support/gateway';
import { SHARED_REDIS_URL, uniquePrefix } from '../../../../test/support/redis-server';
import { waitFor } from '../../../../test/support/wait';

/*
 * Retry-safe replay across two gateway instances on one Redis, for every
 * DaxPay generation, over Express and Fastify: the answer one instance gave
 * is the answer the other gives to the same signed request (sealed in Redis
 * until the request's window closes), and two identical requests at once on
 * two instances make one WeChat call.
 */

const CLOCK = { nowMs: () => FIXTURE.resTime * 1000 };

class ReplayCounter implements AssistMetrics {
  readonly replayed: string[] = [];
  rejected = 0;
  redisError(): void {}
  request(): void {}
  upstreamCall(): void {}
  exchangeReused(): void {}
  replayRejected(): void {
    this.rejected++;
  }
  replayAnswered(source: string): void {
    this.replayed.push(source);
  }
  breakerState(): void {}
}

interface Instance {
  gw: RunningGateway;
  metrics: ReplayCounter;
}

async function instance(
  adapter: 'express' | 'fastify',
  stub: WechatStub,
  generation: Generation,
  signType: WireSignType,
  keyPrefix: string,
  replay?: string,
): Promise<Instance> {
  const metrics = new ReplayCounter();
  const gw = await startGateway({
    adapter,
    override: {
      merchants: [fixtureMerchant(DIALECT_OF[generation], signType, replay ? { replay } : {})],
      wechat: { apiBase: stub.baseUrl, openBase: 'https://open.weixin.qq.com' },
      clock: CLOCK,
      metrics,
      redisUrl: SHARED_REDIS_URL,
      redisKeyPrefix: keyPrefix,
      rateLimit: { ip: false, merchant: false },
    },
  });
  return { gw, metrics };
}

describe.each(ADAPTERS)('retry-safe replay, two instances on one Redis, over %s', (adapter) => {
  let stub: WechatStub;
  let redis: Redis;
  beforeAll(async () => {
    stub = await WechatStub.start();
    redis = new Redis(SHARED_REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    await stub?.close();
    await redis?.quit();
  });

  describe.each(GENERATIONS)('%s', (generation) => {
    const signType = FIXTURE.generations[generation].signTypes[0];
    const prefix = uniquePrefix(`dialects-${adapter}-${generation}`);
    let a: Instance;
    let b: Instance;
    beforeAll(async () => {
      a = await instance(adapter, stub, generation, signType, prefix);
      b = await instance(adapter, stub, generation, signType, prefix);
    });
    afterAll(async () => {
      await a?.gw.close();
      await b?.gw.close();
    });

    it('B answers a request A answered with the very same answer, without calling WeChat', async () => {
      const code = `GOOD_AB_${adapter}_${generation}`;
      const body = sdkRequest(generation, { code }, signType);
      const first = await post(a.gw.baseUrl, 'getWxAccessToken', body);
      expect(first.json.code).toBe(0);
      const again = await post(b.gw.baseUrl, 'getWxAccessToken', body);
      expect(again.text).toBe(first.text);
      expect(clientCheck(generation, 'getWxAccessToken', again.json, signType)).toBeUndefined();
      expect(stub.callsFor(code)).toBe(1);
      expect(b.metrics.replayed).toContain('stored');
    });

    it('keeps the answer sealed in Redis, with a ttl no longer than the request window', async () => {
      const keys = await redis.keys(`${prefix}replay:*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        const value = (await redis.get(key)) ?? '';
        expect(value).not.toContain(OPEN_ID);
        expect(value).not.toContain('ACCESS_TOKEN');
        // reqTime + reqTimeout (300 s) − the pinned now (reqTime + 1 s) + 1 s.
        expect(await redis.pttl(key)).toBeLessThanOrEqual(300_000);
      }
    });

    it('two identical requests at once on A and B: one WeChat call, one answer for both', async () => {
      const code = `HOLD_AB_${adapter}_${generation}`;
      const body = sdkRequest(generation, { code }, signType);
      const onA = post(a.gw.baseUrl, 'getWxAccessToken', body);
      // A holds the claim once WeChat has its call; B then finds it pending and waits for A's answer.
      expect(await waitFor(() => stub.callsFor(code) === 1)).toBe(true);
      const onB = post(b.gw.baseUrl, 'getWxAccessToken', body);
      const waitingBefore = b.metrics.replayed.length;
      stub.releaseHeld();
      const [ra, rb] = await Promise.all([onA, onB]);
      expect(ra.json.code).toBe(0);
      expect(rb.text).toBe(ra.text);
      expect(stub.callsFor(code)).toBe(1);
      expect(b.metrics.replayed.slice(waitingBefore)).toEqual(['stored']);
    });

    it('a request that failed on A before the business ran runs again on B', async () => {
      const code = `GOOD_DOWN_AB_${adapter}_${generation}`;
      const body = sdkRequest(generation, { code }, signType);
      stub.down = true;
      try {
        expect((await post(a.gw.baseUrl, 'getWxAccessToken', body)).json.data).toBeNull();
      } finally {
        stub.down = false;
      }
      const retried = await post(b.gw.baseUrl, 'getWxAccessToken', body);
      expect(retried.json.code).toBe(0);
      expect(clientCheck(generation, 'getWxAccessToken', retried.json, signType)).toBeUndefined();
    });
  });

  describe('strict mode (replay: reject) on both instances', () => {
    const prefix = uniquePrefix(`dialects-strict-${adapter}`);
    let a: Instance;
    let b: Instance;
    beforeAll(async () => {
      a = await instance(adapter, stub, '2.0.6-2.0.8', 'HMAC_SHA256', prefix, 'reject');
      b = await instance(adapter, stub, '2.0.6-2.0.8', 'HMAC_SHA256', prefix, 'reject');
    });
    afterAll(async () => {
      await a?.gw.close();
      await b?.gw.close();
    });

    it('refuses on B the copy of a request A accepted, with 10007', async () => {
      const body = FIXTURE.generations['2.0.6-2.0.8'].requests[0].bodies.HMAC_SHA256;
      expect((await post(a.gw.baseUrl, 'getWxAuthUrl', body)).json.code).toBe(0);
      expect((await post(b.gw.baseUrl, 'getWxAuthUrl', body)).json).toMatchObject({ code: 10007, data: null });
      expect(b.metrics.rejected).toBe(1);
    });
  });
});
