import { failClosed, RedisErrorReporter } from '../redis/fail-closed';
import { replayKey } from '../redis/redis-keys';
import { RedisReplicaAcks, replicaAcksOrDefault, withReplicaWait } from '../redis/replica-acks';
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
  /**
   * WAIT after each claim (strict and answer mode), as the exchange's claims:
   * a claim no replica acknowledged in time is given back and the request
   * fails closed (29310, retry), so a master lost in a failover cannot take
   * with it the only record that a signed request was accepted. Default
   * `{ replicas: 0 }` (no WAIT). Stored answers are not waited for: losing
   * one lets the identical retry run again, which the exchange's own claim
   * and cache keep idempotent.
   */
  replicaAcks?: RedisReplicaAcks;
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
  private readonly acks: Required<RedisReplicaAcks>;

  constructor(
    private readonly redis: AssistRedisClient,
    options: RedisReplayStoreOptions = {},
  ) {
    this.prefix = options.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX;
    this.onRedisError = options.onRedisError;
    this.acks = replicaAcksOrDefault(options.replicaAcks);
  }

  /** `<prefix>replay:{<key>}` (redis-keys.ts): one key per request, the tag spreads requests over a Cluster. */
  private k(key: string): string {
    return replayKey(this.prefix, key);
  }

  private guarded<T>(op: string, fn: () => Promise<T>): Promise<T> {
    return failClosed('replay store', fn, () => this.onRedisError?.(op));
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const k = this.k(key);
    return this.guarded('claim', async () => {
      if (this.acks.replicas === 0) return (await this.redis.set(k, '1', 'PX', px(ttlMs), 'NX')) === 'OK';
      const [set, acked] = await withReplicaWait(this.redis, (p) => p.set(k, '1', 'PX', px(ttlMs), 'NX'), this.acks);
      if (set !== 'OK') return false;
      // Not yet served: give the key back, so the retry is not refused as a replay of itself.
      if (acked < this.acks.replicas) await this.giveBack(k, () => this.redis.del(k));
      return true;
    });
  }

  async begin(key: string, owner: string, ttlMs: number): Promise<ReplaySighting> {
    const k = this.k(key);
    const held = await this.guarded('begin', async () => {
      if (this.acks.replicas === 0) return this.redis.eval(BEGIN_SCRIPT, 1, k, PENDING_PREFIX + owner, px(ttlMs));
      const [reply, acked] = await withReplicaWait(
        this.redis,
        (p) => p.eval(BEGIN_SCRIPT, 1, k, PENDING_PREFIX + owner, px(ttlMs)),
        this.acks,
      );
      if (reply === 1 && acked < this.acks.replicas) {
        await this.giveBack(k, () => this.redis.eval(RELEASE_SCRIPT, 1, k, PENDING_PREFIX + owner));
      }
      return reply;
    });
    if (held === 1) return { state: 'claimed' };
    // SET NX failed, so GET in the same script finds the value.
    return sightingOf(typeof held === 'string' ? held : '1');
  }

  /** A claim no replica took in time: dropped before anything ran, then the request fails closed (29310). */
  private async giveBack(k: string, drop: () => Promise<unknown>): Promise<never> {
    await drop().catch(() => undefined);
    throw new Error('replay claim not replicated');
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
