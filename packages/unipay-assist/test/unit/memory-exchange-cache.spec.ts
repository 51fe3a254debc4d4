import { MemoryExchangeCache } from '../../src/exchange/memory-exchange.cache';

/**
 * MemoryExchangeCache's ttl and claims on a fake clock (jest's, which the
 * cache reads through Date.now): the edges are exact, nothing sleeps.
 * Its Redis twin runs on a real Redis: test/integration/redis-exchange-cache.int-spec.ts.
 */
describe('MemoryExchangeCache (fake clock)', () => {
  let cache: MemoryExchangeCache;
  beforeEach(() => {
    jest.useFakeTimers({ now: 1_718_000_000_000 });
    cache = new MemoryExchangeCache();
  });
  afterEach(() => jest.useRealTimers());

  it('keeps a value for exactly its ttl', async () => {
    expect(await cache.get('k1')).toBeUndefined();
    await cache.set('k1', 'sealed-1', 150);
    jest.advanceTimersByTime(149);
    expect(await cache.get('k1')).toBe('sealed-1');
    jest.advanceTimersByTime(1);
    expect(await cache.get('k1')).toBeUndefined();
  });

  it('a rewrite starts a new ttl', async () => {
    await cache.set('k', 'v1', 100);
    jest.advanceTimersByTime(80);
    await cache.set('k', 'v2', 100);
    jest.advanceTimersByTime(80);
    expect(await cache.get('k')).toBe('v2');
    jest.advanceTimersByTime(20);
    expect(await cache.get('k')).toBeUndefined();
  });

  it('a claim is exclusive, released only by its owner, and lapses with its ttl', async () => {
    expect(await cache.claim('k2', 'a', 10_000)).toBe(true);
    expect(await cache.claim('k2', 'b', 10_000)).toBe(false);
    await cache.release('k2', 'b'); // not b's claim: no effect
    expect(await cache.claim('k2', 'b', 10_000)).toBe(false);
    await cache.release('k2', 'a');
    expect(await cache.claim('k2', 'b', 150)).toBe(true);
    jest.advanceTimersByTime(149);
    expect(await cache.claim('k2', 'c', 10_000)).toBe(false);
    jest.advanceTimersByTime(1);
    expect(await cache.claim('k2', 'c', 10_000)).toBe(true);
  });

  it('a lapsed claim cannot be released by its old owner once someone else holds it', async () => {
    expect(await cache.claim('k', 'old', 100)).toBe(true);
    jest.advanceTimersByTime(100);
    expect(await cache.claim('k', 'new', 10_000)).toBe(true);
    await cache.release('k', 'old');
    expect(await cache.claim('k', 'third', 10_000)).toBe(false);
  });

  it('claims and results are separate: a stored result does not block a claim', async () => {
    await cache.set('k', 'v', 10_000);
    expect(await cache.claim('k', 'o', 10_000)).toBe(true);
    expect(await cache.get('k')).toBe('v');
  });
});
