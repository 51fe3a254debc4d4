import { ExchangeCache } from './exchange.cache';

export interface MemoryExchangeCacheOptions {
  /** Hard cap on kept results; the oldest go first. Default 50 000. */
  maxEntries?: number;
}

interface Entry {
  value: string;
  expiresAt: number;
}

/**
 * A kept result: its text as UTF-8 in a Buffer, whose bytes live outside V8's heap. A result is kept
 * for minutes, long enough to be copied by the young-generation collector and again into the old
 * generation as a string; a Buffer's bytes are never copied, only its small wrapper. In a synthetic
 * test (a Map gaining one such value per simulated request) that took the longest young-generation
 * pause from about 25 ms to 6 ms; in the gateway under the bench's load the pauses are mostly the
 * in-flight requests' own objects and did not visibly change (docs/performance.md).
 */
interface Kept {
  bytes: Buffer;
  expiresAt: number;
}

/** One-instance cache and claims (in-process single-flight already covers one instance). */
export class MemoryExchangeCache implements ExchangeCache {
  private readonly results = new Map<string, Kept>();
  private readonly claims = new Map<string, Entry>();
  private readonly maxEntries: number;
  // Results in insertion order, swept and evicted from the front. Walking the
  // Map itself from the front steps over every slot V8 keeps for deleted
  // entries until a rehash: at the cap each set cost O(entries).
  private orderKeys: string[] = [];
  private orderEntries: Kept[] = [];
  private head = 0;

  constructor(options: MemoryExchangeCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 50_000;
  }

  get size(): number {
    return this.results.size;
  }

  async get(key: string): Promise<string | undefined> {
    const kept = this.results.get(key);
    if (!kept) return undefined;
    if (kept.expiresAt > Date.now()) return kept.bytes.toString('utf8');
    this.results.delete(key);
    return undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    const now = Date.now();
    this.sweepResults(now);
    this.results.delete(key);
    if (this.results.size >= this.maxEntries) this.dropOldestResult();
    const entry: Kept = { bytes: Buffer.from(value, 'utf8'), expiresAt: now + ttlMs };
    this.results.set(key, entry);
    this.orderKeys.push(key);
    this.orderEntries.push(entry);
  }

  private sweepResults(now: number): void {
    let budget = 64;
    while (this.head < this.orderKeys.length && budget-- > 0) {
      const key = this.orderKeys[this.head];
      const entry = this.orderEntries[this.head];
      if (entry.expiresAt > now) break;
      if (this.results.get(key) === entry) this.results.delete(key);
      this.head++;
    }
    this.compact();
  }

  private dropOldestResult(): void {
    while (this.head < this.orderKeys.length) {
      const key = this.orderKeys[this.head];
      const entry = this.orderEntries[this.head++];
      // A replaced or already-expired key leaves a stale item: skip it.
      if (this.results.get(key) === entry) {
        this.results.delete(key);
        break;
      }
    }
    this.compact();
  }

  private compact(): void {
    if (this.head < 4096 || this.head * 2 < this.orderKeys.length) return;
    this.orderKeys = this.orderKeys.slice(this.head);
    this.orderEntries = this.orderEntries.slice(this.head);
    this.head = 0;
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
