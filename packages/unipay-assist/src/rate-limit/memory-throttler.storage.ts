import type { ThrottlerStorage } from '@nestjs/throttler';

interface ThrottlerStorageRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

interface Window {
  hits: number;
  /** Epoch ms when the counting window closes. */
  windowEnd: number;
  /** Epoch ms when a block lapses; 0 when not blocked. */
  blockEnd: number;
}

export interface MemoryThrottlerStorageOptions {
  /** How often idle keys are dropped, in ms. Default 60 000. */
  sweepIntervalMs?: number;
  /** The clock; tests pin it. Default Date.now. */
  now?: () => number;
}

/**
 * One-instance rate-limit counts: a fixed window per key and a block once
 * over the limit, the same rules as RedisThrottlerStorage, in O(1) per hit.
 * @nestjs/throttler's ThrottlerStorageService keeps one timestamp per hit and
 * filters them on every request: O(hits in the window) time and garbage,
 * which at a few thousand requests per second cost more than the relay.
 */
export class MemoryThrottlerStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private readonly sweepIntervalMs: number;
  private readonly now: () => number;
  private nextSweep: number;

  constructor(options: MemoryThrottlerStorageOptions = {}) {
    this.sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
    this.now = options.now ?? Date.now;
    this.nextSweep = this.now() + this.sweepIntervalMs;
  }

  get size(): number {
    return this.windows.size;
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    return this.incrementNow(key, ttl, limit, blockDuration, throttlerName);
  }

  /** `increment` without the promise: the guard's per-request path when the counts live in this process. */
  incrementNow(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): ThrottlerStorageRecord {
    const now = this.now();
    if (now >= this.nextSweep) this.sweep(now);
    const id = `${throttlerName}:${key}`;
    let w = this.windows.get(id);
    if (!w) {
      w = { hits: 0, windowEnd: 0, blockEnd: 0 };
      this.windows.set(id, w);
    }
    if (w.blockEnd > now) {
      return {
        totalHits: limit + 1,
        timeToExpire: seconds(Math.max(w.windowEnd - now, 0)),
        isBlocked: true,
        timeToBlockExpire: seconds(w.blockEnd - now),
      };
    }
    if (w.windowEnd <= now) {
      w.hits = 0;
      w.windowEnd = now + Math.max(1, ttl);
    }
    w.hits++;
    const left = w.windowEnd - now;
    if (w.hits > limit) {
      const block = Math.max(1, blockDuration);
      const hits = w.hits;
      // As the Redis script: the block replaces the window; counting restarts after it.
      w.blockEnd = now + block;
      w.hits = 0;
      w.windowEnd = 0;
      return { totalHits: hits, timeToExpire: seconds(left), isBlocked: true, timeToBlockExpire: seconds(block) };
    }
    return { totalHits: w.hits, timeToExpire: seconds(left), isBlocked: false, timeToBlockExpire: 0 };
  }

  private sweep(now: number): void {
    this.nextSweep = now + this.sweepIntervalMs;
    for (const [id, w] of this.windows) if (w.windowEnd <= now && w.blockEnd <= now) this.windows.delete(id);
  }
}

function seconds(ms: number): number {
  return Math.ceil(ms / 1000);
}
