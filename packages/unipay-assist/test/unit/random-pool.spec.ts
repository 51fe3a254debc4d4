import { pooledRandomByte, pooledRandomBytes } from '../../src/kernel/random-pool';

describe('pooled CSPRNG bytes (trace ids, AES-GCM nonces)', () => {
  it('hands out buffers of their own, never the same bytes twice, across pool refills', () => {
    const seen = new Set<string>();
    // 12-byte nonces across more than three 4 KiB pools: no two equal, each its own copy.
    const nonces = Array.from({ length: 1200 }, () => pooledRandomBytes(12));
    for (const n of nonces) {
      expect(n).toHaveLength(12);
      seen.add(n.toString('hex'));
    }
    expect(seen.size).toBe(nonces.length);
    const first = Buffer.from(nonces[0]);
    pooledRandomBytes(4096); // forces a refill: earlier buffers must not change with the pool
    expect(nonces[0].equals(first)).toBe(true);
  });

  it('refills when a request does not fit in what is left of the pool', () => {
    pooledRandomBytes(4090);
    const straddling = pooledRandomBytes(12);
    expect(straddling).toHaveLength(12);
  });

  it('spreads single bytes over the whole range', () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 256 * 200; i++) counts[pooledRandomByte()]++;
    // 200 expected per value; a value never drawn (or a constant pool) fails.
    expect(Math.min(...counts)).toBeGreaterThan(100);
    expect(Math.max(...counts)).toBeLessThan(320);
  });
});
