import { Cluster, Redis } from 'ioredis';
import { AssistConfigError } from '../kernel/assist-config.error';
import { createRedisClient, RedisConfigError, RedisConnection, RedisConnectionConfig } from './redis-connection';

/**
 * What the module's `redis` option may hold: a deployment description
 * (single / cluster / sentinel, opened and closed by the module) or the
 * host's own ioredis `Redis` / `Cluster` instance (used as is, never closed).
 */
export type AssistRedisOption = RedisConnectionConfig | Redis | Cluster;

/** True for an ioredis client instance (as opposed to a plain config object). */
export function isRedisClientInstance(value: unknown): value is Redis | Cluster {
  if (value instanceof Redis || value instanceof Cluster) return true;
  // A second copy of ioredis in the host's node_modules fails instanceof: recognise it by shape.
  const v = value as { status?: unknown; options?: unknown; kind?: unknown; sendCommand?: unknown } | null;
  return (
    !!v &&
    typeof v === 'object' &&
    v.kind === undefined &&
    typeof v.status === 'string' &&
    typeof v.options === 'object'
  );
}

/**
 * Turns the module's `redis` / `redisUrl` options into the one connection
 * the stores share (null: no Redis, the module runs on memory). Every check
 * runs at start and throws an AssistConfigError naming the setting
 * (`redis.sentinels[1].port`, `redisUrl`, …), never a url or a password.
 */
export function openAssistRedis(options: { redis?: AssistRedisOption; redisUrl?: string }): RedisConnection | null {
  const { redis, redisUrl } = options;
  if (redis !== undefined && redis !== null && redisUrl !== undefined && redisUrl !== null) {
    throw new AssistConfigError('redis', 'and redisUrl are both set: give one');
  }
  if (redisUrl !== undefined && typeof redisUrl !== 'string')
    throw new AssistConfigError('redisUrl', 'must be a string');
  let config: RedisConnectionConfig;
  let path: string;
  if (redis !== undefined && redis !== null) {
    config = isRedisClientInstance(redis) ? { kind: 'client', client: redis } : redis;
    path = 'redis';
  } else if (redisUrl) {
    config = { kind: 'single', url: redisUrl };
    path = 'redisUrl';
  } else {
    return null;
  }
  try {
    return createRedisClient(config);
  } catch (err) {
    if (err instanceof RedisConfigError) throw new AssistConfigError(settingPath(err.setting, path), problemOf(err));
    throw err;
  }
}

// createRedisClient names fields under `redis.`; for `redisUrl` the url itself is the setting.
function settingPath(setting: string, path: string): string {
  if (path === 'redisUrl' && (setting === 'redis.url' || setting === 'url')) return 'redisUrl';
  if (setting.startsWith('redis')) return setting;
  return `${path}.${setting}`;
}

function problemOf(err: RedisConfigError): string {
  const prefix = `${err.setting}: `;
  return err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
}
