import { failClosed } from '../redis/fail-closed';
import type { AssistRedisClient } from '../redis/assist-redis';
import { ExchangeCache } from './exchange.cache';

export const DEFAULT_EXCHANGE_KEY_PREFIX = 'unipay:assist:';

export interface RedisExchangeCacheOptions {
  /** Prepended to every key (then `exchange:`). Default `unipay:assist:`. */
  keyPrefix?: string;
}

// Delete the claim only if we still hold it: a claim that expired and was
// taken by another instance must not be released by us.
const RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * Results and claims shared by every gateway instance on one Redis. Any Redis
 * failure before WeChat is called is a 29310: without the shared claim two
 * instances could both spend the code, which is what this cache prevents.
 */
export class RedisExchangeCache implements ExchangeCache {
  private readonly prefix: string;

  constructor(
    private readonly redis: AssistRedisClient,
    options: RedisExchangeCacheOptions = {},
  ) {
    this.prefix = `${options.keyPrefix ?? DEFAULT_EXCHANGE_KEY_PREFIX}exchange:`;
  }

  async get(key: string): Promise<string | undefined> {
    const value = await failClosed('exchange store', () => this.redis.get(`${this.prefix}result:${key}`));
    return value ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await failClosed('exchange store', () => this.redis.set(`${this.prefix}result:${key}`, value, 'PX', Math.max(1, Math.ceil(ttlMs))));
  }

  async claim(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const ok = await failClosed('exchange store', () =>
      this.redis.set(`${this.prefix}claim:${key}`, owner, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX'),
    );
    return ok === 'OK';
  }

  async release(key: string, owner: string): Promise<void> {
    await failClosed('exchange store', () => this.redis.eval(RELEASE_SCRIPT, 1, `${this.prefix}claim:${key}`, owner));
  }

}
