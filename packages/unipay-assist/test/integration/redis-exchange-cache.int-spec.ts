import Redis from 'ioredis';
import { AssistException } from '../../src/kernel/assist.exception';
import { AssistErrorCode } from '../../../wire/src/error-codes';
import { RedisExchangeCache } from '../../src/exchange/redis-exchange.cache';
import { createRedisClient } from '../../src/redis/redis-connection';
import { SHARED_REDIS_URL, uniquePrefix } from '../../../../test/support/redis-server';
import { exchangeKeys } from '../../src/redis/redis-keys';
import { sleep, waitFor } from '../../../../test/support/wait';

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
    // A ttl long enough that the read right after the write lands inside it on a loaded machine
    // (with 150 ms a slow round trip could read after the value had lapsed).
    await cache.set('k1', 'sealed-1', 2000);
    expect(await cache.get('k1')).toBe('sealed-1');
    // Then gone once Redis (not this process) lets it lapse: polled, bounded generously.
    expect(await waitFor(async () => (await cache.get('k1')) === undefined, 20_000, 100)).toBe(true);
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

  it('claimThenGet: the claim and the stored result, in one round trip; exclusive like claim', async () => {
    expect(await cache.claimThenGet('k5', 'a', 10_000)).toEqual({ won: true, value: undefined });
    expect(await cache.claimThenGet('k5', 'b', 10_000)).toEqual({ won: false, value: undefined });
    // The holder stores its result (and gives the claim up in the same script): the next claimant sees it.
    await cache.set('k5', 'sealed-5', 10_000);
    expect(await cache.claimThenGet('k5', 'c', 10_000)).toEqual({ won: true, value: 'sealed-5' });
    const wins = await Promise.all(Array.from({ length: 20 }, (_, i) => cache.claimThenGet('k6', `o${i}`, 10_000)));
    expect(wins.filter((w) => w.won)).toHaveLength(1);
  });

  it('writes only prefixed keys: result and claim, never anything else', async () => {
    await cache.set('k3', 'v', 10_000);
    await cache.claim('k3', 'o', 10_000);
    const keys = (await redis.keys(`${prefix}*`)).sort();
    // One hash tag for both: the same Cluster slot, so one script may touch both.
    expect(keys).toEqual(expect.arrayContaining([`${prefix}exchange:{k3}:claim`, `${prefix}exchange:{k3}:result`]));
    // PX in milliseconds (not EX seconds): at most the 10 000 ms given, and not a few ms.
    const pttl = await redis.pttl(`${prefix}exchange:{k3}:result`);
    expect(pttl).toBeGreaterThan(1_000);
    expect(pttl).toBeLessThanOrEqual(10_000);
  });
});

describe('RedisExchangeCache: the claim holder stores the result and releases the claim in one step', () => {
  let redis: Redis;
  const prefix = uniquePrefix('exchange-settle');
  const keys = (k: string) => exchangeKeys(prefix, k);

  beforeAll(() => {
    redis = new Redis(SHARED_REDIS_URL);
  });
  afterAll(async () => {
    const found = await redis.keys(`${prefix}*`);
    if (found.length) await redis.del(...found);
    await redis.quit();
  });

  it('set by the holder leaves the result and no claim; its release afterwards costs no Redis call', async () => {
    const cache = new RedisExchangeCache(redis, { keyPrefix: prefix });
    expect(await cache.claim('s1', 'me', 10_000)).toBe(true);
    await cache.set('s1', 'sealed', 10_000);
    expect(await redis.get(keys('s1').result)).toBe('sealed');
    expect(await redis.exists(keys('s1').claim)).toBe(0);
    const spy = jest.spyOn(redis, 'eval');
    await cache.release('s1', 'me');
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });

  it('a failed store keeps the claim held, answers this instance from memory, and stores the result once Redis takes it', async () => {
    const events: string[] = [];
    const cache = new RedisExchangeCache(redis, {
      keyPrefix: prefix,
      rewriteEveryMs: 50,
      onEvent: (e) => events.push(e.event),
    });
    expect(await cache.claim('s2', 'me', 10_000)).toBe(true);
    // The store fails (as it does while a master is down) until the test lets it work: by a flag, not by a
    // count of attempts, since the rewrite timer (every 50 ms) would otherwise get through while the checks
    // below are still running on a slow machine, and release the claim they look for.
    const real = redis.pipeline.bind(redis);
    let down = true;
    let failed = 0;
    const spy = jest.spyOn(redis, 'pipeline').mockImplementation((...args: Parameters<typeof real>) => {
      const p = real(...args);
      if (down) {
        failed++;
        p.exec = () => Promise.reject(new Error('Connection is closed.'));
      }
      return p;
    });
    const err = await cache.set('s2', 'sealed-2', 10_000).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as AssistException).code).toBe(AssistErrorCode.STORE_UNAVAILABLE);
    await cache.release('s2', 'me');
    // Still held: another instance gets no free claim (it waits: 29306), so never calls WeChat again.
    expect(await redis.get(keys('s2').claim)).toBe('me');
    expect(await new RedisExchangeCache(redis, { keyPrefix: prefix }).claim('s2', 'other', 10_000)).toBe(false);
    expect(await cache.get('s2')).toBe('sealed-2');
    // At least one rewrite failed too (the first store and a rewrite, as before), then Redis takes it.
    expect(await waitFor(() => failed >= 2)).toBe(true);
    expect(await redis.get(keys('s2').claim)).toBe('me');
    down = false;
    expect(await waitFor(async () => (await redis.get(keys('s2').result)) === 'sealed-2', 20_000, 20)).toBe(true);
    expect(await redis.exists(keys('s2').claim)).toBe(0);
    expect(events).toEqual(['result_write_pending', 'result_written_late']);
    expect(cache.pendingWrites()).toBe(0);
    spy.mockRestore();
  });

  it('with replicaAcks on a Redis without replicas, a claim is given back (29310) before anything is called', async () => {
    const cache = new RedisExchangeCache(redis, { keyPrefix: prefix, replicaAcks: { replicas: 1, timeoutMs: 20 } });
    const err = await cache.claim('s3', 'me', 10_000).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as AssistException).code).toBe(AssistErrorCode.STORE_UNAVAILABLE);
    expect(await redis.exists(keys('s3').claim)).toBe(0);
  });
});

describe('RedisExchangeCache with Redis down', () => {
  it('answers 29310 (fails closed) and never leaks the URL', async () => {
    // A closed loopback port: ioredis with no offline queue fails at once.
    const redis = createRedisClient({ kind: 'single', url: 'redis://:pw-must-not-leak@127.0.0.1:1' }).client as Redis;
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
