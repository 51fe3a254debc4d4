import { MemoryThrottlerStorage } from '../../src/rate-limit/memory-throttler.storage';

describe('MemoryThrottlerStorage (fixed window, block when over)', () => {
  let now: number;
  const storage = (sweepIntervalMs = 60_000) => new MemoryThrottlerStorage({ now: () => now, sweepIntervalMs });

  beforeEach(() => {
    now = 1_000_000;
  });

  it('counts hits in one window and reports the seconds left', async () => {
    const s = storage();
    const first = await s.increment('k', 10_000, 3, 10_000, 'ip');
    expect(first).toEqual({ totalHits: 1, timeToExpire: 10, isBlocked: false, timeToBlockExpire: 0 });
    now += 2500;
    expect(await s.increment('k', 10_000, 3, 10_000, 'ip')).toEqual({
      totalHits: 2,
      timeToExpire: 8,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
  });

  it('blocks the hit over the limit for blockDuration, then counts afresh', async () => {
    const s = storage();
    for (let i = 0; i < 3; i++) expect((await s.increment('k', 10_000, 3, 5_000, 'ip')).isBlocked).toBe(false);
    const over = await s.increment('k', 10_000, 3, 5_000, 'ip');
    expect(over).toMatchObject({ totalHits: 4, isBlocked: true, timeToBlockExpire: 5 });
    now += 4_000;
    expect(await s.increment('k', 10_000, 3, 5_000, 'ip')).toMatchObject({
      isBlocked: true,
      timeToBlockExpire: 1,
      totalHits: 4,
    });
    now += 1_000;
    expect(await s.increment('k', 10_000, 3, 5_000, 'ip')).toEqual({
      totalHits: 1,
      timeToExpire: 10,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
  });

  it('starts a new window once the old one has passed', async () => {
    const s = storage();
    await s.increment('k', 1_000, 2, 1_000, 'ip');
    await s.increment('k', 1_000, 2, 1_000, 'ip');
    now += 1_000;
    expect(await s.increment('k', 1_000, 2, 1_000, 'ip')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('keeps keys and throttler names apart', async () => {
    const s = storage();
    await s.increment('a', 10_000, 1, 10_000, 'ip');
    expect((await s.increment('b', 10_000, 1, 10_000, 'ip')).isBlocked).toBe(false);
    expect((await s.increment('a', 10_000, 1, 10_000, 'merchant')).isBlocked).toBe(false);
    expect((await s.increment('a', 10_000, 1, 10_000, 'ip')).isBlocked).toBe(true);
  });

  it('drops idle keys on the periodic sweep, keeps live windows and blocks', async () => {
    const s = storage(1_000);
    await s.increment('idle', 500, 10, 500, 'ip');
    await s.increment('blocked', 500, 0, 60_000, 'ip');
    await s.increment('live', 60_000, 10, 500, 'ip');
    expect(s.size).toBe(3);
    now += 1_000;
    await s.increment('live', 60_000, 10, 500, 'ip');
    expect(s.size).toBe(2);
  });

  it('keeps one counter per key however many hits the window holds', async () => {
    const s = storage();
    let last = await s.increment('hot', 60_000, 1e9, 60_000, 'ip');
    for (let i = 1; i < 100_000; i++) last = await s.increment('hot', 60_000, 1e9, 60_000, 'ip');
    expect(last).toMatchObject({ totalHits: 100_000, isBlocked: false });
    expect(s.size).toBe(1);
  });
});
