import { failClosed, RedisErrorReporter } from '../redis/fail-closed';
import { replayKey } from '../redis/redis-keys';
import type { AssistRedisClient } from '../redis/assist-redis';
import { ANSWER_PREFIX, PENDING_PREFIX, ReplaySighting, ReplayStore, sightingOf } from './replay.store';

// Claim or report, atomically: 1 when SET NX won, else the value that holds the key.
const BEGIN_SCRIPT = `if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return 1 end
return redis.call('GET', KEYS[1])`;
// Only the owner's own pending claim becomes its answer.
const SETTLE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 0`;
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export const DEFAULT_REDIS_KEY_PREFIX = 'unipay:assist:';

export interface RedisReplayStoreOptions {
  /** Prepended to every key (then `replay:{key}`). Default `unipay:assist:`. */
  keyPrefix?: string;
  /** Told of each failed Redis operation (the module counts them: AssistMetrics.redisError). */
  onRedisError?: RedisErrorReporter;
}

/**
 * Replay memory shared by every gateway instance on one Redis: one atomic
 * `SET key 1 PX ttl NX` per strict claim, so two instances racing on the same
 * signed request cannot both win. Answer mode keeps one key per request too:
 * `p:<owner>` while it runs, then `a:<sealed answer>` until the window closes,
 * each step a small script comparing the owner first. Any Redis failure is a 29310: the relay
 * fails closed rather than serve a request it cannot prove is new.
 * Outage logging lives with the connection (AssistRedisLifecycle), not here,
 * so an outage is logged once however many requests hit it.
 */
export class RedisReplayStore implements ReplayStore {
  private readonly prefix: string;
  private readonly onRedisError?: RedisErrorReporter;

  constructor(
    private readonly redis: AssistRedisClient,
    options: RedisReplayStoreOptions = {},
  ) {
    this.prefix = options.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX;
    this.onRedisError = options.onRedisError;
  }

  /** `<prefix>replay:{<key>}` (redis-keys.ts): one key per request, the tag spreads requests over a Cluster. */
  private k(key: string): string {
    return replayKey(this.prefix, key);
  }

  private guarded<T>(op: string, fn: () => Promise<T>): Promise<T> {
    return failClosed('replay store', fn, () => this.onRedisError?.(op));
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const result = await this.guarded('claim', () => this.redis.set(this.k(key), '1', 'PX', px(ttlMs), 'NX'));
    return result === 'OK';
  }

  async begin(key: string, owner: string, ttlMs: number): Promise<ReplaySighting> {
    const held = await this.guarded('begin', () => this.redis.eval(BEGIN_SCRIPT, 1, this.k(key), PENDING_PREFIX + owner, px(ttlMs)));
    if (held === 1) return { state: 'claimed' };
    // SET NX failed, so GET in the same script finds the value.
    return sightingOf(typeof held === 'string' ? held : '1');
  }

  async settle(key: string, owner: string, answer: string, ttlMs: number): Promise<void> {
    await this.guarded('settle', () =>
      this.redis.eval(SETTLE_SCRIPT, 1, this.k(key), PENDING_PREFIX + owner, ANSWER_PREFIX + answer, px(ttlMs)),
    );
  }

  async release(key: string, owner: string): Promise<void> {
    await this.guarded('release', () => this.redis.eval(RELEASE_SCRIPT, 1, this.k(key), PENDING_PREFIX + owner));
  }
}

function px(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs));
}
