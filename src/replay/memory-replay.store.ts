import { ReplayStore } from './replay.store';

export interface MemoryReplayStoreOptions {
  /** Hard cap on remembered requests; the oldest-expiring are dropped first. Default 100 000. */
  maxEntries?: number;
}

/**
 * One-instance replay memory. A Map keeps insertion order, and every entry of
 * one merchant window has about the same ttl, so expired entries sit at the
 * front: sweeping from the front is cheap and keeps memory bounded.
 */
export class MemoryReplayStore implements ReplayStore {
  private readonly entries = new Map<string, number>();
  private readonly maxEntries: number;

  constructor(options: MemoryReplayStoreOptions = {}) {
    this.maxEntries = options.maxEntries ?? 100_000;
  }

  get size(): number {
    return this.entries.size;
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    return this.claimSync(key, ttlMs, Date.now());
  }

  /** Synchronous core, exposed for benchmarks and tests with a fixed clock. */
  claimSync(key: string, ttlMs: number, now: number): boolean {
    this.sweep(now);
    const expiresAt = this.entries.get(key);
    if (expiresAt !== undefined && expiresAt > now) return false;
    if (expiresAt !== undefined) this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      // At the cap, forget the oldest entry: a replay of it is then only
      // caught by the reqTime window, which is the documented trade-off.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, now + ttlMs);
    return true;
  }

  private sweep(now: number): void {
    // Bounded work per call; longer-ttl entries in front stop the sweep early.
    let budget = 64;
    for (const [key, expiresAt] of this.entries) {
      if (expiresAt > now || budget-- === 0) break;
      this.entries.delete(key);
    }
  }
}
