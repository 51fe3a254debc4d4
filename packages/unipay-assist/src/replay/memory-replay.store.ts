import { ANSWER_PREFIX, PENDING_PREFIX, ReplaySighting, ReplayStore, sightingOf } from './replay.store';

export interface MemoryReplayStoreOptions {
  /** Hard cap on remembered requests; the oldest-expiring are dropped first. Default 100 000. */
  maxEntries?: number;
}

/**
 * One-instance replay memory (and, in answer mode, the sealed answers): a Map for lookups and a FIFO of (key, expiry)
 * in claim order. Every entry of one merchant window has about the same ttl,
 * so expired entries sit at the front of the FIFO: sweeping from the front is
 * cheap and keeps memory bounded. (Walking the Map itself from the front is
 * not: V8 keeps deleted slots until it rehashes and every walk steps over
 * them, which made each claim cost O(entries) at the cap and in steady state.)
 */
export class MemoryReplayStore implements ReplayStore {
  private readonly entries = new Map<string, number>();
  /**
   * Answer mode's value of a key: `p:<owner>` while pending; the answer's UTF-8 bytes once settled (read back
   * as `a:<answer>`). Strict claims have none. A settled answer is kept for the merchant's whole window: as a
   * Buffer its bytes sit outside V8's heap, so the young-generation collector copies a small wrapper, not
   * the answer (as a string it was copied twice: into the survivor space, then into the old generation).
   */
  private readonly values = new Map<string, string | Buffer>();
  private readonly maxEntries: number;
  private queueKeys: string[] = [];
  private queueExpiry: number[] = [];
  private head = 0;

  constructor(options: MemoryReplayStoreOptions = {}) {
    this.maxEntries = options.maxEntries ?? 100_000;
  }

  get size(): number {
    return this.entries.size;
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    return this.claimSync(key, ttlMs, Date.now());
  }

  async begin(key: string, owner: string, ttlMs: number): Promise<ReplaySighting> {
    return this.beginSync(key, owner, ttlMs, Date.now());
  }

  async settle(key: string, owner: string, answer: string, ttlMs: number): Promise<void> {
    this.settleSync(key, owner, answer, ttlMs, Date.now());
  }

  async release(key: string, owner: string): Promise<void> {
    this.releaseSync(key, owner);
  }

  /** `release` without the promise. */
  releaseSync(key: string, owner: string): void {
    if (this.values.get(key) !== PENDING_PREFIX + owner) return;
    this.entries.delete(key);
    this.values.delete(key);
  }

  /** Synchronous core, exposed for benchmarks and tests with a fixed clock. */
  claimSync(key: string, ttlMs: number, now: number): boolean {
    return this.insert(key, ttlMs, now);
  }

  /** `begin` on a fixed clock. */
  beginSync(key: string, owner: string, ttlMs: number, now: number): ReplaySighting {
    if (!this.insert(key, ttlMs, now)) return sightingOf(this.valueOf(key) ?? '1');
    this.values.set(key, PENDING_PREFIX + owner);
    return { state: 'claimed' };
  }

  /** `settle` on a fixed clock: the answer lives ttlMs from now (the pending claim's ttl may be shorter). */
  settleSync(key: string, owner: string, answer: string, ttlMs: number, now: number): void {
    const expiresAt = this.entries.get(key);
    if (expiresAt === undefined || expiresAt <= now || this.values.get(key) !== PENDING_PREFIX + owner) return;
    this.values.set(key, Buffer.from(answer, 'utf8'));
    this.entries.set(key, now + ttlMs);
    // The old queue item no longer matches the entry and is skipped when swept.
    this.queueKeys.push(key);
    this.queueExpiry.push(now + ttlMs);
  }

  /** The stored value as the ReplayStore contract words it (`p:<owner>`, `a:<answer>`). */
  private valueOf(key: string): string | undefined {
    const v = this.values.get(key);
    return typeof v === 'string' || v === undefined ? v : ANSWER_PREFIX + v.toString('utf8');
  }

  /** Remembers `key` until now + ttlMs unless a live entry has it: false then. */
  private insert(key: string, ttlMs: number, now: number): boolean {
    this.sweep(now);
    const expiresAt = this.entries.get(key);
    if (expiresAt !== undefined && expiresAt > now) return false;
    if (expiresAt !== undefined) {
      this.entries.delete(key);
      this.values.delete(key);
    }
    if (this.entries.size >= this.maxEntries) {
      // At the cap, forget the oldest entry: a replay of it is then only
      // caught by the reqTime window, which is the documented trade-off.
      this.dropOldest();
    }
    this.entries.set(key, now + ttlMs);
    this.queueKeys.push(key);
    this.queueExpiry.push(now + ttlMs);
    return true;
  }

  private sweep(now: number): void {
    // Bounded work per call; longer-ttl entries in front stop the sweep early.
    let budget = 64;
    while (this.head < this.queueKeys.length && budget-- > 0) {
      const expiresAt = this.queueExpiry[this.head];
      if (expiresAt > now) break;
      this.forget(this.queueKeys[this.head], expiresAt);
      this.head++;
    }
    this.compact();
  }

  private dropOldest(): void {
    while (this.head < this.queueKeys.length) {
      const dropped = this.forget(this.queueKeys[this.head], this.queueExpiry[this.head]);
      this.head++;
      if (dropped) break;
    }
    this.compact();
  }

  /** Deletes the key if the queue item is its current entry (a re-claimed key leaves a stale item). */
  private forget(key: string, expiresAt: number): boolean {
    if (this.entries.get(key) !== expiresAt) return false;
    this.entries.delete(key);
    this.values.delete(key);
    return true;
  }

  private compact(): void {
    if (this.head < 4096 || this.head * 2 < this.queueKeys.length) return;
    this.queueKeys = this.queueKeys.slice(this.head);
    this.queueExpiry = this.queueExpiry.slice(this.head);
    this.head = 0;
  }
}
