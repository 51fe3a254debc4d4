import Redis, { Cluster } from 'ioredis';

/** What the module's Redis-backed stores talk to: a single node (or Sentinel-managed) client, or a Cluster. */
export type AssistRedisClient = Redis | Cluster;

/**
 * The module's one Redis connection (or null without Redis), shared by the
 * replay store, the exchange cache and the rate-limit storage. Inject with
 * `@Inject(AssistRedis) redis: AssistRedisClient | null`.
 */
export const AssistRedis = Symbol('AssistRedis');

/** True when the module opened the connection (and so closes it); false for a host's own client. */
export const ASSIST_REDIS_OWNED = Symbol('UnipayAssistRedisOwned');

/** Prefix of every key the module writes (validated at start). */
export const ASSIST_REDIS_KEY_PREFIX = Symbol('UnipayAssistRedisKeyPrefix');

/**
 * The connection behind AssistRedis (kind, whether the module owns it, a
 * loggable description), or null without Redis. AssistRedis and
 * ASSIST_REDIS_OWNED are derived from it.
 */
export const ASSIST_REDIS_CONNECTION = Symbol('UnipayAssistRedisConnection');
