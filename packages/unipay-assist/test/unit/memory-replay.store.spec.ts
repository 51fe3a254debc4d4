import { MemoryReplayStore } from '../../src/replay/memory-replay.store';

describe('MemoryReplayStore', () => {
  const T0 = 1_700_000_000_000;

  it('accepts a key once within its ttl, and again after it', () => {
    const s = new MemoryReplayStore();
    expect(s.claimSync('a', 1000, T0)).toBe(true);
    expect(s.claimSync('a', 1000, T0 + 999)).toBe(false);
    expect(s.claimSync('a', 1000, T0 + 1000)).toBe(true);
    expect(s.claimSync('a', 1000, T0 + 1500)).toBe(false);
  });

  it('claim() uses the real clock', async () => {
    const s = new MemoryReplayStore();
    expect(await s.claim('k', 60_000)).toBe(true);
    expect(await s.claim('k', 60_000)).toBe(false);
  });

  it('forgets expired entries as it goes, so memory stays bounded by the window', () => {
    const s = new MemoryReplayStore();
    for (let i = 0; i < 1000; i++) s.claimSync(`old${i}`, 1000, T0);
    for (let i = 0; i < 100; i++) s.claimSync(`new${i}`, 1000, T0 + 2000);
    // 64 expired entries per claim at most: 100 claims sweep all 1000.
    expect(s.size).toBe(100);
  });

  it('at the cap drops the oldest entry, not a newer or re-claimed one', () => {
    const s = new MemoryReplayStore({ maxEntries: 3 });
    s.claimSync('a', 1000, T0);
    s.claimSync('b', 5000, T0);
    s.claimSync('c', 5000, T0);
    // a expires and is claimed again: it is now the newest, b the oldest.
    expect(s.claimSync('a', 5000, T0 + 1000)).toBe(true);
    expect(s.claimSync('d', 5000, T0 + 1000)).toBe(true);
    expect(s.size).toBe(3);
    expect(s.claimSync('b', 5000, T0 + 1000)).toBe(true); // b was dropped: seen as new
    expect(s.claimSync('a', 5000, T0 + 1000)).toBe(false);
    expect(s.claimSync('d', 5000, T0 + 1000)).toBe(false);
  });

  it('keeps accepting new keys at the cap, each one replay-checked', () => {
    const s = new MemoryReplayStore({ maxEntries: 1000 });
    for (let i = 0; i < 50_000; i++) expect(s.claimSync(`k${i}`, 300_000, T0)).toBe(true);
    expect(s.size).toBe(1000);
    expect(s.claimSync('k49999', 300_000, T0)).toBe(false);
    expect(s.claimSync('k0', 300_000, T0)).toBe(true);
  });
});

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
