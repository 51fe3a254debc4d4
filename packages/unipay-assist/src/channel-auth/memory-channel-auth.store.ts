import { AssistException } from '../kernel/assist.exception';
import { AssistErrorCode } from '@unipay-assist/wire';
import { ChannelAuthStore } from './channel-auth.store';

export interface MemoryChannelAuthStoreOptions {
  /**
   * Hard cap on kept entries. At the cap a write of a new key is refused
   * (29310) instead of pushing out a live entry: a full store turns new
   * flows away, it never loses one in progress. Default 50 000.
   */
  maxEntries?: number;
  /** Time source in ms (tests pin it). Default Date.now. */
  now?: () => number;
}

interface Entry {
  value: string;
  expiresAt: number;
}

/**
 * One-instance flows (a single gateway, or tests). Bounded, expired entries
 * swept as it goes; at the cap, new keys are refused, nothing live is evicted
 * (an eviction would let whoever writes the most push out someone else's flow).
 */
export class MemoryChannelAuthStore implements ChannelAuthStore {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: MemoryChannelAuthStoreOptions = {}) {
    this.maxEntries = options.maxEntries ?? 50_000;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  async get(key: string): Promise<string | undefined> {
    return this.live(key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.put(key, value, ttlMs);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<string> {
    const held = this.live(key);
    if (held !== undefined) return held;
    this.put(key, value, ttlMs);
    return value;
  }

  async deleteIf(key: string, value: string): Promise<void> {
    if (this.live(key) === value) this.entries.delete(key);
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    const held = this.live(key);
    const count = held === undefined ? 1 : Number(held) + 1;
    const e = this.entries.get(key);
    // The counter keeps its first expiry: a count per window, not per last hit.
    if (e && held !== undefined) e.value = String(count);
    else this.put(key, String(count), ttlMs);
    return count;
  }

  private put(key: string, value: string, ttlMs: number): void {
    const now = this.now();
    this.sweep(now);
    const replacing = this.entries.delete(key);
    if (!replacing && this.entries.size >= this.maxEntries) {
      throw new AssistException(
        AssistErrorCode.STORE_UNAVAILABLE,
        'channel auth store full (memory store at its cap): new authorizations refused until flows expire; retry shortly',
      );
    }
    // Re-inserted keys move to the back, so Map order stays close to expiry order.
    this.entries.set(key, { value, expiresAt: now + ttlMs });
  }

  private live(key: string): string | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt > this.now()) return e.value;
    this.entries.delete(key);
    return undefined;
  }

  // Bounded work per write: entries share one ttl, so the front is the oldest.
  private sweep(now: number): void {
    let budget = 64;
    for (const [key, e] of this.entries) {
      if (e.expiresAt > now || budget-- === 0) break;
      this.entries.delete(key);
    }
  }
}
