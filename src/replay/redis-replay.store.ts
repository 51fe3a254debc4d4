import { failClosed } from '../redis/fail-closed';
import type { AssistRedisClient } from '../redis/assist-redis';
import { ReplayStore } from './replay.store';

export const DEFAULT_REDIS_KEY_PREFIX = 'unipay:assist:';

export interface RedisReplayStoreOptions {
  /** Prepended to every key (then `replay:`). Default `unipay:assist:`. */
  keyPrefix?: string;
}

/**
 * Replay memory shared by every gateway instance on one Redis: one atomic
 * `SET key 1 PX ttl NX` per claim, so two instances racing on the same
 * signed request cannot both win. Any Redis failure is a 30010: the relay
 * fails closed rather than serve a request it cannot prove is new.
 * Outage logging lives with the connection (AssistRedisLifecycle), not here,
 * so an outage is logged once however many requests hit it.
 */
export class RedisReplayStore implements ReplayStore {
  private readonly prefix: string;

  constructor(
    private readonly redis: AssistRedisClient,
    options: RedisReplayStoreOptions = {},
  ) {
    this.prefix = `${options.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX}replay:`;
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const result = await failClosed('replay store', () => this.redis.set(this.prefix + key, '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX'));
    return result === 'OK';
  }
}
