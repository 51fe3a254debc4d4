import Redis from 'ioredis';

/**
 * The module's one Redis connection (or null without REDIS_URL), shared by
 * the replay store and the idempotent exchange cache. Inject with
 * `@Inject(AssistRedis) redis: Redis | null`.
 */
export const AssistRedis = Symbol('AssistRedis');

export function createAssistRedis(url: string | undefined): Redis | null {
  if (!url) return null;
  return new Redis(url, {
    // Fail fast instead of queueing while Redis is down: the relay fails closed.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    lazyConnect: false,
  });
}
