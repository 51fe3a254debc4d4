import type { ChainableCommander, Cluster } from 'ioredis';
import { clusterSlot } from '../redis/cluster-slot';
import { failClosed, RedisErrorReporter } from '../redis/fail-closed';
import type { AssistRedisClient } from '../redis/assist-redis';
import { exchangeKeys } from '../redis/redis-keys';
import { RedisReplicaAcks, replicaAcksOrDefault, withReplicaWait } from '../redis/replica-acks';
import { ExchangeCache } from './exchange.cache';

export const DEFAULT_EXCHANGE_KEY_PREFIX = 'unipay:assist:';

/** What the cache does on its own after a failed result write; for the module's log. */
export type ExchangeCacheEvent =
  | { event: 'result_write_pending'; key: string }
  | { event: 'result_written_late'; key: string; attempts: number }
  | { event: 'result_write_abandoned'; key: string; attempts: number };

export interface RedisExchangeCacheOptions {
  /** Prepended to every key (then `exchange:{key}:claim|result`). Default `unipay:assist:`. */
  keyPrefix?: string;
  replicaAcks?: RedisReplicaAcks;
  /** Pause between attempts to store a result that could not be stored. Default 250 ms. */
  rewriteEveryMs?: number;
  onEvent?: (event: ExchangeCacheEvent) => void;
  /** Told of each failed Redis operation (the module counts them: AssistMetrics.redisError). */
  onRedisError?: RedisErrorReporter;
}

// Delete the claim only if we still hold it: a claim that expired and was
// taken by another instance must not be released by us.
const RELEASE_SCRIPT =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

// Result and claim in one step (same hash tag, same slot): there is no
// moment where the claim is gone and the result not yet there, which is
// the window in which a retry would call WeChat with a spent code.
// Idempotent, so a failed or unreplicated attempt is simply run again.
const SETTLE_SCRIPT = `redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
if redis.call('get', KEYS[2]) == ARGV[3] then redis.call('del', KEYS[2]) end
return 1`;

/**
 * After a WAIT found too few replicas, claims on that master fail at once
 * for this long instead of each WAITing: WAIT holds the shared connection
 * for its whole timeout, and a WAIT per request would slow every other
 * command of the instance to a crawl while a master has no replica.
 */
const NO_REPLICA_BACKOFF_MS = 1000;

/** Results that are still being written, bounded so an endless outage cannot grow memory without limit. */
const MAX_PENDING_WRITES = 10_000;

interface HeldClaim {
  owner: string;
  /** The result stored and the claim released by the settle script. */
  settled: boolean;
  /** A result this instance holds but Redis does not yet: the claim must stay. */
  pending?: PendingWrite;
}

interface PendingWrite {
  value: string;
  expiresAt: number;
  attempts: number;
  timer?: NodeJS.Timeout;
}

/**
 * Results and claims shared by every gateway instance on one Redis. Any Redis
 * failure before WeChat is called is a 29310: without the shared claim two
 * instances could both spend the code, which is what this cache prevents.
 *
 * After WeChat answered, `set` (by the instance holding the claim) stores
 * the result and releases the claim in one script. If that fails, the
 * claim is NOT released: a retry elsewhere finds a held claim (29306, or
 * 29310 while Redis is down), never a free one that would call WeChat
 * again with a spent code (40163). This instance keeps the sealed result,
 * answers its own retries from it, and stores it again every
 * `rewriteEveryMs` until Redis takes it (and, with `replicaAcks`, a replica
 * holds it) or the result's ttl ends.
 */
export class RedisExchangeCache implements ExchangeCache {
  private readonly prefix: string;
  private readonly acks: Required<RedisReplicaAcks>;
  private readonly rewriteEveryMs: number;
  private readonly held = new Map<string, HeldClaim>();
  private pendingCount = 0;
  /** Per master (address, or `master` outside a Cluster): until when it is known to lack replicas. */
  private readonly replicaShortUntil = new Map<string, number>();
  private closed = false;

  constructor(
    private readonly redis: AssistRedisClient,
    private readonly options: RedisExchangeCacheOptions = {},
  ) {
    this.prefix = options.keyPrefix ?? DEFAULT_EXCHANGE_KEY_PREFIX;
    this.acks = replicaAcksOrDefault(options.replicaAcks);
    this.rewriteEveryMs = options.rewriteEveryMs ?? 250;
  }

  async get(key: string): Promise<string | undefined> {
    const pending = this.held.get(key)?.pending;
    if (pending && pending.expiresAt > Date.now()) return pending.value;
    const value = await this.guarded('get', () => this.redis.get(this.keys(key).result));
    return value ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    const claim = this.held.get(key);
    if (!claim || claim.settled) {
      await this.guarded('set', async () => {
        const acks = await this.withWait((p) => p.set(this.keys(key).result, value, 'PX', px(ttlMs)));
        if (acks < this.acks.replicas) throw new Error('result not replicated');
      });
      return;
    }
    try {
      await this.guarded('settle', () => this.settle(key, claim.owner, value, ttlMs));
      claim.settled = true;
    } catch (err) {
      this.keepWriting(key, claim, value, ttlMs);
      throw err;
    }
  }

  async claim(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const { claim } = this.keys(key);
    const node = this.nodeOf(claim);
    if (this.acks.replicas > 0 && (this.replicaShortUntil.get(node) ?? 0) > Date.now()) {
      // Known to lack replicas a moment ago: refuse before WeChat, without another WAIT.
      this.options.onRedisError?.('claim_unreplicated');
      await failClosed('exchange store', () => Promise.reject(new Error('claim not replicated')));
    }
    const won = await this.guarded('claim', async () => {
      if (this.acks.replicas === 0) return (await this.redis.set(claim, owner, 'PX', px(ttlMs), 'NX')) === 'OK';
      const [set, acks] = await withReplicaWait(
        this.redis,
        (p) => p.set(claim, owner, 'PX', px(ttlMs), 'NX'),
        this.acks,
      );
      if (set !== 'OK') return false;
      if (acks < this.acks.replicas) {
        this.replicaShortUntil.set(node, Date.now() + NO_REPLICA_BACKOFF_MS);
        // WeChat has not been called: giving the claim back costs nothing, and
        // keeping it would make retries wait for its ttl.
        await this.redis.eval(RELEASE_SCRIPT, 1, claim, owner).catch(() => undefined);
        throw new Error('claim not replicated');
      }
      return true;
    });
    if (won) this.held.set(key, { owner, settled: false });
    return won;
  }

  /**
   * The claim and the result in one pipeline (both keys share a hash tag, so
   * one node, one round trip; Redis runs them in order, so the GET sees any
   * result stored before the claim). With replica acknowledgements the claim
   * needs its WAIT first: `claim`, then `get`.
   */
  async claimThenGet(key: string, owner: string, ttlMs: number): Promise<{ won: boolean; value?: string }> {
    const pending = this.held.get(key)?.pending;
    // A result this instance holds but Redis does not yet: it answers, and the claim stays where it is.
    if (pending && pending.expiresAt > Date.now()) return { won: false, value: pending.value };
    if (this.acks.replicas > 0) {
      const won = await this.claim(key, owner, ttlMs);
      return { won, value: await this.get(key) };
    }
    const { claim, result } = this.keys(key);
    const replies = await this.guarded('claim', async () => {
      const out = await this.redis.pipeline().set(claim, owner, 'PX', px(ttlMs), 'NX').get(result).exec();
      // exec() answers [error, reply] per command; any error fails closed like a failed claim.
      if (!out || out.some(([err]) => err)) throw out?.find(([err]) => err)?.[0] ?? new Error('pipeline failed');
      return out.map(([, reply]) => reply);
    });
    const won = replies[0] === 'OK';
    if (won) this.held.set(key, { owner, settled: false });
    return { won, value: typeof replies[1] === 'string' ? replies[1] : undefined };
  }

  async release(key: string, owner: string): Promise<void> {
    const claim = this.held.get(key);
    if (claim && claim.owner === owner) {
      // The result is still being written: the claim is what keeps a retry from calling WeChat.
      if (claim.pending) return;
      this.held.delete(key);
      // The settle script already released it.
      if (claim.settled) return;
    }
    await this.guarded('release', () => this.redis.eval(RELEASE_SCRIPT, 1, this.keys(key).claim, owner));
  }

  /** Results not yet in Redis (for health and tests). */
  pendingWrites(): number {
    return this.pendingCount;
  }

  /** Nest calls this at shutdown. */
  onApplicationShutdown(): void {
    this.close();
  }

  /** Stops rewriting (at shutdown); what is still pending is lost with the process. */
  close(): void {
    this.closed = true;
    for (const claim of this.held.values()) if (claim.pending?.timer) clearTimeout(claim.pending.timer);
  }

  private guarded<T>(op: string, fn: () => Promise<T>): Promise<T> {
    return failClosed('exchange store', fn, () => this.options.onRedisError?.(op));
  }

  private keys(key: string): { claim: string; result: string } {
    return exchangeKeys(this.prefix, key);
  }

  private async settle(key: string, owner: string, value: string, ttlMs: number): Promise<void> {
    const { claim, result } = this.keys(key);
    const node = this.nodeOf(claim);
    if (this.acks.replicas > 0 && (this.replicaShortUntil.get(node) ?? 0) > Date.now()) {
      // Store it on the master now (a retry finds it there), without a WAIT; it stays pending until a replica confirms.
      await this.redis.eval(SETTLE_SCRIPT, 2, result, claim, value, px(ttlMs), owner);
      throw new Error('result not replicated');
    }
    const acks = await this.withWait((p) => p.eval(SETTLE_SCRIPT, 2, result, claim, value, px(ttlMs), owner));
    if (acks < this.acks.replicas) {
      this.replicaShortUntil.set(node, Date.now() + NO_REPLICA_BACKOFF_MS);
      throw new Error('result not replicated');
    }
  }

  /** The master a key lives on, as this client's slot map says (one entry outside a Cluster). */
  private nodeOf(key: string): string {
    if (!this.redis.isCluster) return 'master';
    const owners = (this.redis as Cluster).slots[clusterSlot(key)];
    return owners?.[0] ?? 'unknown';
  }

  private keepWriting(key: string, claim: HeldClaim, value: string, ttlMs: number): void {
    if (claim.pending || this.closed) return;
    if (this.pendingCount >= MAX_PENDING_WRITES) {
      this.options.onEvent?.({ event: 'result_write_abandoned', key, attempts: 1 });
      return;
    }
    const pending: PendingWrite = { value, expiresAt: Date.now() + ttlMs, attempts: 1 };
    claim.pending = pending;
    this.pendingCount++;
    this.options.onEvent?.({ event: 'result_write_pending', key });
    const finish = (): void => {
      claim.pending = undefined;
      this.pendingCount--;
      if (this.held.get(key) === claim) this.held.delete(key);
    };
    const attempt = (): void => {
      if (this.closed) return finish();
      const left = pending.expiresAt - Date.now();
      if (left <= 0) {
        finish();
        this.options.onEvent?.({ event: 'result_write_abandoned', key, attempts: pending.attempts });
        return;
      }
      pending.attempts++;
      this.settle(key, claim.owner, value, left).then(
        () => {
          finish();
          this.options.onEvent?.({ event: 'result_written_late', key, attempts: pending.attempts });
        },
        () => {
          this.options.onRedisError?.('result_write');
          schedule();
        },
      );
    };
    const schedule = (): void => {
      pending.timer = setTimeout(attempt, this.rewriteEveryMs);
      // Never what keeps a process alive.
      pending.timer.unref();
    };
    schedule();
  }

  /** Runs `command` and, with a WAIT policy, WAIT in the same pipeline; resolves to the replicas that acknowledged. */
  private async withWait(command: (p: ChainableCommander) => ChainableCommander): Promise<number> {
    if (this.acks.replicas === 0) {
      const [[err]] = (await command(this.redis.pipeline()).exec()) ?? [[new Error('pipeline discarded')]];
      if (err) throw err;
      return 0;
    }
    const [, acks] = await withReplicaWait(this.redis, command, this.acks);
    return acks;
  }
}

function px(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs));
}
