import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { AssistException } from '../../src/kernel/assist.exception';
import { ExchangeCache } from '../../src/exchange/exchange.cache';
import { MemoryExchangeCache } from '../../src/exchange/memory-exchange.cache';
import { RedisExchangeCache } from '../../src/exchange/redis-exchange.cache';
import { createAssistRedis } from '../../src/redis/assist-redis';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(['memory', 'redis'] as const)('%s exchange cache', (kind) => {
  let redis: Redis | undefined;
  let cache: ExchangeCache;
  const prefix = `test:exchange-cache:${randomBytes(6).toString('hex')}:`;

  beforeAll(() => {
    if (kind === 'redis') {
      redis = new Redis(REDIS_URL);
      cache = new RedisExchangeCache(redis, { keyPrefix: prefix });
    } else {
      cache = new MemoryExchangeCache();
    }
  });
  afterAll(async () => {
    if (!redis) return;
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('stores and reads a value until its ttl lapses', async () => {
    expect(await cache.get('k1')).toBeUndefined();
    await cache.set('k1', 'sealed-1', 150);
    expect(await cache.get('k1')).toBe('sealed-1');
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

  if (kind === 'redis') {
    it('writes only prefixed keys: result and claim, never anything else', async () => {
      await cache.set('k3', 'v', 10_000);
      await cache.claim('k3', 'o', 10_000);
      const keys = (await redis!.keys(`${prefix}*`)).sort();
      expect(keys).toEqual(expect.arrayContaining([`${prefix}exchange:claim:k3`, `${prefix}exchange:result:k3`]));
      expect(await redis!.pttl(`${prefix}exchange:result:k3`)).toBeGreaterThan(9_000);
    });
  }
});

describe('Redis exchange cache with Redis down', () => {
  it('answers 30010 (fails closed) and never leaks the URL', async () => {
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
      expect((err as AssistException).code).toBe(30010);
      expect((err as AssistException).message).not.toContain('pw-must-not-leak');
    }
    redis.disconnect();
  });
});
