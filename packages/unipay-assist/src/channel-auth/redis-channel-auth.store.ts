import { AssistException } from '../kernel/assist.exception';
import { AssistErrorCode } from '@unipay-assist/wire';
import type { AssistRedisClient } from '../redis/assist-redis';
import { channelAuthKey } from '../redis/redis-keys';
import { ChannelAuthStore } from './channel-auth.store';

export const DEFAULT_CHANNEL_AUTH_KEY_PREFIX = 'unipay:assist:';

export interface RedisChannelAuthStoreOptions {
  /** Prepended to every key (then `channel-auth:{key}`). Default `unipay:assist:`. */
  keyPrefix?: string;
  /** Told of each failed Redis operation (the module counts them: AssistMetrics.redisError). */
  onRedisError?: (op: string) => void;
  /**
   * The key kind (`<prefix><kind>:{key}`) and the store's name in its 29310
   * message. Default `channel-auth`; the WeChat third-party platform's ticket
   * and token store is this same class with `wechat-component`.
   */
  kind?: 'channel-auth' | 'wechat-component';
}

// Set unless present, answering what the key holds: one round trip, atomic.
const SET_IF_ABSENT_SCRIPT =
  "local v = redis.call('get', KEYS[1]) if v then return v end redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return ARGV[1]";
// Delete only our own value: a key taken over by another flow stays.
// Count, with the ttl set by the first hit only (a window per state, not per last hit).
const INCREMENT_SCRIPT =
  "local n = redis.call('incr', KEYS[1]) if n == 1 then redis.call('pexpire', KEYS[1], ARGV[1]) end return n";
const DELETE_IF_SCRIPT =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * Flows shared by every gateway instance on one Redis, so the callback, the
 * poll and the redirect-back may each land on another instance. Any Redis
 * failure is a 29310: a flow that cannot be read or bound is refused, never
 * completed twice.
 */
export class RedisChannelAuthStore implements ChannelAuthStore {
  private readonly prefix: string;
  private readonly onRedisError?: (op: string) => void;
  private readonly kind: 'channel-auth' | 'wechat-component';

  constructor(
    private readonly redis: AssistRedisClient,
    options: RedisChannelAuthStoreOptions = {},
  ) {
    this.prefix = options.keyPrefix ?? DEFAULT_CHANNEL_AUTH_KEY_PREFIX;
    this.onRedisError = options.onRedisError;
    this.kind = options.kind ?? 'channel-auth';
  }

  /** `<prefix>channel-auth:{<key>}`: every operation here is on one key, the tag spreads flows over a Cluster. */
  private k(key: string): string {
    return channelAuthKey(this.prefix, key, this.kind);
  }

  async get(key: string): Promise<string | undefined> {
    const value = await this.guard('get', () => this.redis.get(this.k(key)));
    return value ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.guard('set', () => this.redis.set(this.k(key), value, 'PX', pxOf(ttlMs)));
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<string> {
    const held = await this.guard('setIfAbsent', () =>
      this.redis.eval(SET_IF_ABSENT_SCRIPT, 1, this.k(key), value, String(pxOf(ttlMs))),
    );
    return typeof held === 'string' ? held : value;
  }

  async deleteIf(key: string, value: string): Promise<void> {
    await this.guard('deleteIf', () => this.redis.eval(DELETE_IF_SCRIPT, 1, this.k(key), value));
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    const n = await this.guard('increment', () =>
      this.redis.eval(INCREMENT_SCRIPT, 1, this.k(key), String(pxOf(ttlMs))),
    );
    return Number(n);
  }

  private async guard<T>(name: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch {
      this.onRedisError?.(name);
      // The ioredis error may name the URL; the caller only needs the code.
      const what = this.kind === 'channel-auth' ? 'channel auth store' : 'WeChat platform store';
      throw new AssistException(
        AssistErrorCode.STORE_UNAVAILABLE,
        `${what} (Redis) unavailable: request refused, retry shortly`,
      );
    }
  }
}

function pxOf(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs));
}
