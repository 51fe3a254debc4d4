import Redis from 'ioredis';
import { AssistException } from '../../src/kernel/assist.exception';
import { MemoryReplayStore } from '../../src/replay/memory-replay.store';
import { RedisReplayStore } from '../../src/replay/redis-replay.store';
import { freePort, SHARED_REDIS_URL, uniquePrefix } from '../support/redis-server';

describe('MemoryReplayStore under a million distinct claims', () => {
  it('never holds more than its cap, keeps catching recent replays, and frees memory once the window passes', () => {
    const store = new MemoryReplayStore({ maxEntries: 50_000 });
    const ttl = 300_000;
    let now = 1_700_000_000_000;
    const heapBefore = process.memoryUsage().heapUsed;
    let maxSize = 0;
    let refused = 0;
    let replaysCaught = 0;
    for (let i = 0; i < 1_000_000; i++) {
      now += 1; // 1000 claims a second: 300 000 would be live without the cap
      if (!store.claimSync(`k${i}`, ttl, now)) refused++;
      if (store.size > maxSize) maxSize = store.size;
      if (i % 100_000 === 99_999 && !store.claimSync(`k${i}`, ttl, now)) replaysCaught++;
    }
    expect(refused).toBe(0);
    expect(replaysCaught).toBe(10);
    expect(maxSize).toBe(50_000);
    // Loose bound without --expose-gc: 50 000 short keys are a few MiB, garbage included well under 200.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(200 * 1024 * 1024);

    // The window passes: ordinary traffic sweeps every expired entry.
    now += ttl + 1;
    let fresh = 0;
    while (store.size > fresh) store.claimSync(`fresh${fresh++}`, ttl, now);
    expect(store.size).toBe(fresh);
    expect(fresh).toBeLessThan(1000);
  }, 60_000);
});

describe('RedisReplayStore', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(SHARED_REDIS_URL, { enableOfflineQueue: true, maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('claims a key once, under the prefix, with the ttl as PX', async () => {
    const prefix = uniquePrefix('replay-unit');
    const store = new RedisReplayStore(redis, { keyPrefix: prefix });
    expect(await store.claim('abc', 5000)).toBe(true);
    expect(await store.claim('abc', 5000)).toBe(false);
    expect(await store.claim('abd', 5000)).toBe(true);
    const pttl = await redis.pttl(`${prefix}replay:abc`);
    expect(pttl).toBeGreaterThan(4000);
    expect(pttl).toBeLessThanOrEqual(5000);
  });

  it('accepts the key again after its ttl', async () => {
    const store = new RedisReplayStore(redis, { keyPrefix: uniquePrefix('replay-unit') });
    expect(await store.claim('k', 50)).toBe(true);
    await new Promise((r) => setTimeout(r, 120));
    expect(await store.claim('k', 50)).toBe(true);
  });

  it('lets exactly one of many concurrent claims win', async () => {
    const store = new RedisReplayStore(redis, { keyPrefix: uniquePrefix('replay-unit') });
    const wins = await Promise.all(Array.from({ length: 50 }, () => store.claim('same', 5000)));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it('fails closed with 30010 when Redis is unreachable, without naming the URL', async () => {
    const url = `redis://:hunter2@127.0.0.1:${await freePort()}`;
    const dead = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null });
    dead.on('error', () => undefined);
    const store = new RedisReplayStore(dead);
    const err = await store.claim('k', 1000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AssistException);
    expect((err as AssistException).code).toBe(30010);
    expect((err as AssistException).message).not.toMatch(/hunter2|127\.0\.0\.1/);
    dead.disconnect();
  });
});
