import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { MemoryChannelAuthStore } from '../../src/channel-auth/memory-channel-auth.store';
import {
  authorizeAt,
  getPage,
  postChannelAuth,
  useChannelAuthGateway,
} from '../../../../test/support/channel-auth-gateway';
import { ADAPTERS, signedBody } from '../../../../test/support/gateway';
import { SHARED_REDIS_URL, uniquePrefix } from '../../../../test/support/redis-server';

/** Callbacks one test sends at one state: bounded, far past every per-state limit. */
const FLOOD = 120;

/**
 * An unauthenticated flood of callbacks (one valid state, read off any QR,
 * and random codes): no write and no WeChat call before the callback proves
 * it belongs to a live flow and wins its single exchange; failed attempts and
 * callbacks per state are capped; no other flow is pushed out.
 */
describe.each(ADAPTERS)('a flood of callbacks, over %s', (adapter) => {
  describe('memory store (small, to show nothing is evicted)', () => {
    const store = new MemoryChannelAuthStore({ maxEntries: 60 });
    const gw = useChannelAuthGateway(adapter, { override: { channelAuthStore: store } });
    const sim = () => gw.sim.simulator;

    it('random codes at one state: at most 3 WeChat calls, then the flow is closed as failed; the store does not grow per callback; another flow survives and completes', async () => {
      const victim = (await postChannelAuth(gw.baseUrl, 'generateAuthUrl', signedBody({ channel: 'wechat_pay' }))).json
        .data;
      const target = (await postChannelAuth(gw.baseUrl, 'generateAuthUrl', signedBody({ channel: 'wechat_pay' }))).json
        .data;
      const state = new URL(target.authUrl.split('#')[0]).searchParams.get('state')!;
      const sizeBefore = store.size;
      const before = sim().exchanges;
      const statuses = new Map<number, number>();
      for (let i = 0; i < FLOOD; i++) {
        const code = randomBytes(16).toString('hex');
        const p = await getPage(`${gw.baseUrl}/unipay/assist/channel/auth/callback/wechat?code=${code}&state=${state}`);
        statuses.set(p.status, (statuses.get(p.status) ?? 0) + 1);
      }
      const calls = sim().exchanges - before;
      expect(calls).toBeLessThanOrEqual(3);
      expect(calls).toBeGreaterThanOrEqual(1);
      // A bounded number of keys for the attacked flow, whatever the number of callbacks.
      expect(store.size - sizeBefore).toBeLessThanOrEqual(6);
      expect(statuses.get(429) ?? 0).toBeGreaterThan(0);
      const closed = await postChannelAuth(
        gw.baseUrl,
        'auth',
        signedBody({ channel: 'wechat_pay', queryCode: target.queryCode }),
      );
      expect(closed.json.data.code).toBe(1);
      // The victim's flow, the oldest entry of a nearly full store, is untouched and completes.
      const page = await getPage(await authorizeAt(victim.authUrl, { user: 'victim' }));
      expect(page.text).toContain('Authorization complete');
      const read = await postChannelAuth(
        gw.baseUrl,
        'auth',
        signedBody({ channel: 'wechat_pay', queryCode: victim.queryCode }),
      );
      expect(read.json.data).toMatchObject({ status: 'success' });
    });

    it('a code of the wrong shape is refused before any lookup: no write, no WeChat call', async () => {
      const target = (await postChannelAuth(gw.baseUrl, 'generateAuthUrl', signedBody({ channel: 'wechat_pay' }))).json
        .data;
      const state = new URL(target.authUrl.split('#')[0]).searchParams.get('state')!;
      const sizeBefore = store.size;
      const before = sim().exchanges;
      for (const code of ['a', 'x'.repeat(129), 'has space', '<script>', 'tab\there', 'ünï']) {
        const p = await getPage(
          `${gw.baseUrl}/unipay/assist/channel/auth/callback/wechat?code=${encodeURIComponent(code)}&state=${state}`,
        );
        expect(p.status).toBe(400);
        expect(p.text).toContain('Authorization incomplete');
      }
      expect(sim().exchanges).toBe(before);
      expect(store.size).toBe(sizeBefore);
      // The flow is still open: the real code completes it.
      expect((await getPage(await authorizeAt(target.authUrl))).text).toContain('Authorization complete');
    });

    it('unknown states write nothing at all', async () => {
      const sizeBefore = store.size;
      for (let i = 0; i < 20; i++) {
        const state = randomBytes(13)
          .toString('hex')
          .replace(/[0189]/g, 'a')
          .slice(0, 26);
        await getPage(
          `${gw.baseUrl}/unipay/assist/channel/auth/callback/wechat?code=${randomBytes(16).toString('hex')}&state=${state}`,
        );
      }
      expect(store.size).toBe(sizeBefore);
    });
  });

  describe('Redis store', () => {
    const prefix = uniquePrefix('flood');
    const gw = useChannelAuthGateway(adapter, { override: { redisUrl: SHARED_REDIS_URL, redisKeyPrefix: prefix } });
    const sim = () => gw.sim.simulator;
    let redis: Redis;
    beforeAll(() => {
      redis = new Redis(SHARED_REDIS_URL, { lazyConnect: false });
    });
    afterAll(async () => {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    });

    it('random codes at one state: at most 3 WeChat calls, a bounded number of keys, the flow closed as failed', async () => {
      const target = (await postChannelAuth(gw.baseUrl, 'generateAuthUrl', signedBody({ channel: 'wechat_pay' }))).json
        .data;
      const state = new URL(target.authUrl.split('#')[0]).searchParams.get('state')!;
      const keysBefore = (await redis.keys(`${prefix}channel-auth*`)).length;
      const before = sim().exchanges;
      for (let i = 0; i < FLOOD; i++) {
        await getPage(
          `${gw.baseUrl}/unipay/assist/channel/auth/callback/wechat?code=${randomBytes(16).toString('hex')}&state=${state}`,
        );
      }
      expect(sim().exchanges - before).toBeLessThanOrEqual(3);
      expect((await redis.keys(`${prefix}channel-auth*`)).length - keysBefore).toBeLessThanOrEqual(6);
      const closed = await postChannelAuth(
        gw.baseUrl,
        'auth',
        signedBody({ channel: 'wechat_pay', queryCode: target.queryCode }),
      );
      expect(closed.json.data.code).toBe(1);
    });
  });
});
