import Redis from 'ioredis';
import { AssistException } from '../../src/kernel/assist.exception';
import { RedisExchangeCache } from '../../src/exchange/redis-exchange.cache';
import { createAssistRedis } from '../../src/redis/assist-redis';
import { SHARED_REDIS_URL, uniquePrefix } from '../support/redis-server';
import { sleep } from '../support/wait';

/** RedisExchangeCache on the real shared Redis (its in-memory twin: test/unit/memory-exchange-cache.spec.ts). */
describe('RedisExchangeCache', () => {
  let redis: Redis;
  let cache: RedisExchangeCache;
  const prefix = uniquePrefix('exchange-cache');

  beforeAll(() => {
    redis = new Redis(SHARED_REDIS_URL);
    cache = new RedisExchangeCache(redis, { keyPrefix: prefix });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('stores and reads a value until its ttl lapses', async () => {
    expect(await cache.get('k1')).toBeUndefined();
    await cache.set('k1', 'sealed-1', 150);
    expect(await cache.get('k1')).toBe('sealed-1');
    // Longer than the ttl Redis was given (PX 150): Redis, not this process, decides.
    await sleep(250);
    expect(await cache.get('k1')).toBeUndefined();
  });

  it('a claim is exclusive, released only by its owner, and lapses with its ttl', async () => {
    expect(await cache.claim('k2', 'a', 10_000)).toBe(true);
    expect(await cache.claim('k2', 'b', 10_000)).toBe(false);
    await cache.release('k2', 'b'); // not b's claim: no effect
    expect(await cache.claim('k2', 'b', 10_000)).toBe(false);
    await cache.release('k2', 'a');
    expect(await cache.claim('k2', 'b', 150)).toBe(true);
    await sleep(250);
    expect(await cache.claim('k2', 'c', 10_000)).toBe(true);
  });

  it('lets exactly one of many concurrent claims win', async () => {
    const wins = await Promise.all(Array.from({ length: 20 }, (_, i) => cache.claim('k4', `o${i}`, 10_000)));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it('writes only prefixed keys: result and claim, never anything else', async () => {
    await cache.set('k3', 'v', 10_000);
    await cache.claim('k3', 'o', 10_000);
    const keys = (await redis.keys(`${prefix}*`)).sort();
    expect(keys).toEqual(expect.arrayContaining([`${prefix}exchange:claim:k3`, `${prefix}exchange:result:k3`]));
    // PX in milliseconds (not EX seconds): at most the 10 000 ms given, and not a few ms.
    const pttl = await redis.pttl(`${prefix}exchange:result:k3`);
    expect(pttl).toBeGreaterThan(1_000);
    expect(pttl).toBeLessThanOrEqual(10_000);
  });
});

describe('RedisExchangeCache with Redis down', () => {
  it('answers 29310 (fails closed) and never leaks the URL', async () => {
    // A closed loopback port: ioredis with no offline queue fails at once.
    const redis = createAssistRedis('redis://:pw-must-not-leak@127.0.0.1:1')!;
    redis.on('error', () => undefined);
    const cache = new RedisExchangeCache(redis, { keyPrefix: 'test:down:' });
    for (const op of [() => cache.get('k'), () => cache.claim('k', 'o', 1000), () => cache.set('k', 'v', 1000)]) {
      const err = await op().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AssistException);
      expect((err as AssistException).code).toBe(29310);
      expect((err as AssistException).message).not.toContain('pw-must-not-leak');
    }
    redis.disconnect();
  });
});
