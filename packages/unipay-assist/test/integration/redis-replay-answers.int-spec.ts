import Redis from 'ioredis';
import { RedisReplayStore } from '../../src/replay/redis-replay.store';
import { replayKey } from '../../src/redis/redis-keys';
import { SHARED_REDIS_URL, uniquePrefix } from '../../../../test/support/redis-server';

/** RedisReplayStore's answer mode on the real shared Redis: one key per request, owner-checked steps. */
describe('RedisReplayStore answer mode', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(SHARED_REDIS_URL, { enableOfflineQueue: true, maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('claims for one owner, reports pending to others, and takes the answer only from the owner', async () => {
    const prefix = uniquePrefix('replay-answers');
    const store = new RedisReplayStore(redis, { keyPrefix: prefix });
    expect(await store.begin('k', 'o1', 5_000)).toEqual({ state: 'claimed' });
    expect(await store.begin('k', 'o2', 5_000)).toEqual({ state: 'pending' });
    await store.settle('k', 'o2', 'not-the-owner', 60_000);
    expect(await store.begin('k', 'o2', 5_000)).toEqual({ state: 'pending' });
    await store.settle('k', 'o1', 'v1.sealed', 60_000);
    expect(await store.begin('k', 'o3', 5_000)).toEqual({ state: 'answered', answer: 'v1.sealed' });
    // The answer lives for the settle ttl (the rest of the window), not the pending claim's.
    expect(await redis.pttl(replayKey(prefix, 'k'))).toBeGreaterThan(5_000);
  });

  it("release drops only the owner's pending claim, never a stored answer", async () => {
    const store = new RedisReplayStore(redis, { keyPrefix: uniquePrefix('replay-answers') });
    await store.begin('r', 'o1', 5_000);
    await store.release('r', 'o2');
    expect(await store.begin('r', 'o2', 5_000)).toEqual({ state: 'pending' });
    await store.release('r', 'o1');
    expect(await store.begin('r', 'o2', 5_000)).toEqual({ state: 'claimed' });
    await store.settle('r', 'o2', 'answer', 60_000);
    await store.release('r', 'o2');
    expect(await store.begin('r', 'o3', 5_000)).toEqual({ state: 'answered', answer: 'answer' });
  });

  it('lets exactly one of many concurrent begins claim', async () => {
    const store = new RedisReplayStore(redis, { keyPrefix: uniquePrefix('replay-answers') });
    const seen = await Promise.all(Array.from({ length: 50 }, (_, i) => store.begin('same', `o${i}`, 5_000)));
    expect(seen.filter((s) => s.state === 'claimed')).toHaveLength(1);
    expect(seen.filter((s) => s.state === 'pending')).toHaveLength(49);
  });
});
