import { failClosed } from '../redis/fail-closed';
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
  /** Prepended to every key (then `replay:`). Default `unipay:assist:`. */
  keyPrefix?: string;
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

  constructor(
    private readonly redis: AssistRedisClient,
    options: RedisReplayStoreOptions = {},
  ) {
    this.prefix = `${options.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX}replay:`;
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const result = await failClosed('replay store', () => this.redis.set(this.prefix + key, '1', 'PX', px(ttlMs), 'NX'));
    return result === 'OK';
  }

  async begin(key: string, owner: string, ttlMs: number): Promise<ReplaySighting> {
    const held = await failClosed('replay store', () => this.redis.eval(BEGIN_SCRIPT, 1, this.prefix + key, PENDING_PREFIX + owner, px(ttlMs)));
    if (held === 1) return { state: 'claimed' };
    // SET NX failed, so GET in the same script finds the value.
    return sightingOf(typeof held === 'string' ? held : '1');
  }

  async settle(key: string, owner: string, answer: string, ttlMs: number): Promise<void> {
    await failClosed('replay store', () =>
      this.redis.eval(SETTLE_SCRIPT, 1, this.prefix + key, PENDING_PREFIX + owner, ANSWER_PREFIX + answer, px(ttlMs)),
    );
  }

  async release(key: string, owner: string): Promise<void> {
    await failClosed('replay store', () => this.redis.eval(RELEASE_SCRIPT, 1, this.prefix + key, PENDING_PREFIX + owner));
  }
}

function px(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs));
}
