import { newTraceId } from '../../src/kernel/trace-id';

describe('newTraceId', () => {
  it('is 12 alphanumerics by default, or the length asked', () => {
    expect(newTraceId()).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(newTraceId(32)).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it('does not repeat across many ids (pool refills included)', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20_000; i++) ids.add(newTraceId());
    expect(ids.size).toBe(20_000);
  });

  it('uses the whole alphabet about evenly', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 5_000; i++) for (const ch of newTraceId()) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(62);
    // 60 000 characters over 62 symbols: ~968 each; a biased modulo would skew the first 8 by ~25%.
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(800);
      expect(n).toBeLessThan(1150);
    }
  });
});
