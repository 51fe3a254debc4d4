import { MemoryExchangeCache } from '../../src/exchange/memory-exchange.cache';

describe('MemoryExchangeCache results: cap and expiry order', () => {
  afterEach(() => jest.useRealTimers());

  it('at the cap drops the oldest result, not a newer or rewritten one', async () => {
    const c = new MemoryExchangeCache({ maxEntries: 3 });
    await c.set('a', 'A', 60_000);
    await c.set('b', 'B', 60_000);
    await c.set('c', 'C', 60_000);
    await c.set('a', 'A2', 60_000); // rewritten: now the newest
    await c.set('d', 'D', 60_000);
    expect(c.size).toBe(3);
    expect(await c.get('b')).toBeUndefined();
    expect(await c.get('a')).toBe('A2');
    expect(await c.get('c')).toBe('C');
    expect(await c.get('d')).toBe('D');
  });

  it('sweeps expired results as new ones come in', async () => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
    const c = new MemoryExchangeCache();
    for (let i = 0; i < 500; i++) await c.set(`old${i}`, 'x', 1000);
    jest.setSystemTime(1_700_000_002_000);
    for (let i = 0; i < 10; i++) await c.set(`new${i}`, 'y', 1000);
    expect(c.size).toBe(10);
    expect(await c.get('new9')).toBe('y');
  });

  it('keeps serving at the cap over many more results than it holds', async () => {
    const c = new MemoryExchangeCache({ maxEntries: 1000 });
    for (let i = 0; i < 30_000; i++) await c.set(`k${i}`, `v${i}`, 300_000);
    expect(c.size).toBe(1000);
    expect(await c.get('k29999')).toBe('v29999');
    expect(await c.get('k28999')).toBeUndefined();
    expect(await c.get('k29000')).toBe('v29000');
  });
});
