import { failClosed, RedisErrorReporter } from '../redis/fail-closed';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { AssistRedisClient } from '../redis/assist-redis';
import { rateLimitKeys } from '../redis/redis-keys';

interface ThrottlerStorageRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

// A fixed window per key, and a block key once over the limit; one round trip, atomic.
// Returns {hits, ms left in the window, blocked 0/1, ms left in the block}.
const INCREMENT_SCRIPT = `
local blockLeft = redis.call('PTTL', KEYS[2])
if blockLeft > 0 then
  return {tonumber(ARGV[2]) + 1, math.max(redis.call('PTTL', KEYS[1]), 0), 1, blockLeft}
end
local hits = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  redis.call('DEL', KEYS[1])
  return {hits, left, 1, tonumber(ARGV[3])}
end
return {hits, left, 0, 0}
`;

/**
 * @nestjs/throttler storage on the module's ioredis connection, so every
 * gateway instance counts against one limit. Written here rather than
 * taken from @nest-lab/throttler-storage-redis, whose peer range stops at
 * Nest 11 while this module supports 11 and 12. A Redis failure is a 29310
 * (fail closed, like the replay store).
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  constructor(
    private readonly redis: AssistRedisClient,
    private readonly keyPrefix: string,
    /** Told of each failed Redis operation (the module counts them: AssistMetrics.redisError). */
    private readonly onRedisError?: RedisErrorReporter,
  ) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    // Both keys carry one hash tag (throttler + key): one slot, so the script never gets CROSSSLOT on a Cluster.
    const { hits: hitsKey, block: blockKey } = rateLimitKeys(this.keyPrefix, throttlerName, key);
    const reply = await failClosed(
      'rate-limit store',
      () =>
        this.redis.eval(INCREMENT_SCRIPT, 2, hitsKey, blockKey, Math.max(1, ttl), limit, Math.max(1, blockDuration)),
      () => this.onRedisError?.('increment'),
    );
    const [hits, left, blocked, blockLeft] = (reply as number[]).map(Number);
    return {
      totalHits: hits,
      timeToExpire: Math.ceil(left / 1000),
      isBlocked: blocked === 1,
      timeToBlockExpire: Math.ceil(blockLeft / 1000),
    };
  }
}
