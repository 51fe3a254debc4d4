import Redis, { Cluster } from 'ioredis';
import { createRedisClient } from './redis-connection';

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

/**
 * A single-node client from a url with the module's fail-closed tuning
 * (see createRedisClient), or null without a url. Kept for callers of the
 * url-only form; the module itself goes through openAssistRedis.
 */
export function createAssistRedis(url: string | undefined): Redis | null {
  if (!url) return null;
  return createRedisClient({ kind: 'single', url }).client as Redis;
}
