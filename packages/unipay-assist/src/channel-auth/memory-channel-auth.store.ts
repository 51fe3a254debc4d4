import { ChannelAuthStore } from './channel-auth.store';

export interface MemoryChannelAuthStoreOptions {
  /** Hard cap on kept entries; the oldest go first. Default 50 000. */
  maxEntries?: number;
  /** Time source in ms (tests pin it). Default Date.now. */
  now?: () => number;
}

interface Entry {
  value: string;
  expiresAt: number;
}

/** One-instance flows (a single gateway, or tests). Bounded, expired entries swept as it goes. */
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

  private put(key: string, value: string, ttlMs: number): void {
    const now = this.now();
    this.sweep(now);
    // Re-inserted keys move to the back, so Map order stays close to expiry order.
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
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
