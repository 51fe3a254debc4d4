import Redis from 'ioredis';
import { AssistException } from '../../src/kernel/assist.exception';
import { RedisReplayStore } from '../../src/replay/redis-replay.store';
import { freePort, SHARED_REDIS_URL, uniquePrefix } from '../../../../test/support/redis-server';
import { sleep } from '../../../../test/support/wait';

/** RedisReplayStore on the real shared Redis (the in-memory store: test/unit/memory-replay.store.spec.ts). */
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
    // PX in milliseconds (not EX seconds): at most the 5000 ms given, and not a few ms.
    const pttl = await redis.pttl(`${prefix}replay:{abc}`);
    expect(pttl).toBeGreaterThan(1000);
    expect(pttl).toBeLessThanOrEqual(5000);
  });

  it('accepts the key again after its ttl', async () => {
    const store = new RedisReplayStore(redis, { keyPrefix: uniquePrefix('replay-unit') });
    expect(await store.claim('k', 50)).toBe(true);
    // Longer than the PX 50 Redis was given: Redis, not this process, decides.
    await sleep(120);
    expect(await store.claim('k', 50)).toBe(true);
  });

  it('lets exactly one of many concurrent claims win', async () => {
    const store = new RedisReplayStore(redis, { keyPrefix: uniquePrefix('replay-unit') });
    const wins = await Promise.all(Array.from({ length: 50 }, () => store.claim('same', 5000)));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it('with replicaAcks on a Redis without replicas, a claim (strict or answer mode) is given back and fails closed (29310)', async () => {
    const prefix = uniquePrefix('replay-wait');
    const waiting = new RedisReplayStore(redis, { keyPrefix: prefix, replicaAcks: { replicas: 1, timeoutMs: 20 } });
    for (const attempt of [() => waiting.claim('strict', 5000), () => waiting.begin('answer', 'owner-1', 5000)]) {
      const err = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AssistException);
      expect((err as AssistException).code).toBe(29310);
    }
    // Given back: nothing holds either key, so the client's retry is not refused as a replay of itself.
    expect(await redis.exists(`${prefix}replay:{strict}`, `${prefix}replay:{answer}`)).toBe(0);
    const plain = new RedisReplayStore(redis, { keyPrefix: prefix });
    expect(await plain.claim('strict', 5000)).toBe(true);
    expect(await plain.begin('answer', 'owner-2', 5000)).toEqual({ state: 'claimed' });
    // A key another request already holds is reported as before: no WAIT is needed to read it.
    expect(await waiting.claim('strict', 5000)).toBe(false);
    expect(await waiting.begin('answer', 'owner-3', 5000)).toEqual({ state: 'pending' });
  });

  it('fails closed with 29310 when Redis is unreachable, without naming the URL', async () => {
    const url = `redis://:hunter2@127.0.0.1:${await freePort()}`;
    const dead = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    dead.on('error', () => undefined);
    const store = new RedisReplayStore(dead);
    const err = await store.claim('k', 1000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AssistException);
    expect((err as AssistException).code).toBe(29310);
    expect((err as AssistException).message).not.toMatch(/hunter2|127\.0\.0\.1/);
    dead.disconnect();
  });
});
