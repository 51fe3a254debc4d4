import { ExchangeCache } from './exchange.cache';

export interface MemoryExchangeCacheOptions {
  /** Hard cap on kept results; the oldest go first. Default 50 000. */
  maxEntries?: number;
}

interface Entry {
  value: string;
  expiresAt: number;
}

/** One-instance cache and claims (in-process single-flight already covers one instance). */
export class MemoryExchangeCache implements ExchangeCache {
  private readonly results = new Map<string, Entry>();
  private readonly claims = new Map<string, Entry>();
  private readonly maxEntries: number;

  constructor(options: MemoryExchangeCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 50_000;
  }

  get size(): number {
    return this.results.size;
  }

  async get(key: string): Promise<string | undefined> {
    return live(this.results, key, Date.now());
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    const now = Date.now();
    sweep(this.results, now);
    this.results.delete(key);
    if (this.results.size >= this.maxEntries) {
      const oldest = this.results.keys().next().value;
      if (oldest !== undefined) this.results.delete(oldest);
    }
    this.results.set(key, { value, expiresAt: now + ttlMs });
  }

  async claim(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    sweep(this.claims, now);
    if (live(this.claims, key, now) !== undefined) return false;
    this.claims.set(key, { value: owner, expiresAt: now + ttlMs });
    return true;
  }

  async release(key: string, owner: string): Promise<void> {
    if (this.claims.get(key)?.value === owner) this.claims.delete(key);
  }
}

function live(map: Map<string, Entry>, key: string, now: number): string | undefined {
  const e = map.get(key);
  if (!e) return undefined;
  if (e.expiresAt > now) return e.value;
  map.delete(key);
  return undefined;
}

// Same ttl for every entry, so expiry order is about insertion order: bounded work per call.
function sweep(map: Map<string, Entry>, now: number): void {
  let budget = 64;
  for (const [key, e] of map) {
    if (e.expiresAt > now || budget-- === 0) break;
    map.delete(key);
  }
}
