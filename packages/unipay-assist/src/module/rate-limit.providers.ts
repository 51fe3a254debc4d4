import { Provider } from '@nestjs/common';
import { ASSIST_MODULE_OPTIONS } from './assist.module-definition';
import { AssistModuleOptions } from './assist.options';
import { AssistMetrics } from '../kernel/assist.metrics';
import { ASSIST_REDIS_KEY_PREFIX, AssistRedis, AssistRedisClient } from '../redis/assist-redis';
import {
  ASSIST_RATE_LIMITS,
  ASSIST_THROTTLER_STORAGE,
  AssistIpThrottlerGuard,
  AssistMerchantThrottlerGuard,
  ResolvedRateLimits,
} from '../rate-limit/assist-throttler.guard';
import { resolveRateLimit } from '../rate-limit/rate-limit.options';
import { MemoryThrottlerStorage } from '../rate-limit/memory-throttler.storage';
import { RedisThrottlerStorage } from '../rate-limit/redis-throttler.storage';

/** The rate-limit pieces AssistModule provides: limits, storage (the host's, Redis or memory), both guards. */
export const RATE_LIMIT_PROVIDERS: Provider[] = [
  {
    provide: ASSIST_RATE_LIMITS,
    inject: [ASSIST_MODULE_OPTIONS],
    // Throws at start on a nonsensical limit.
    useFactory: (options: AssistModuleOptions): ResolvedRateLimits => ({
      ip: resolveRateLimit(options.rateLimit, 'ip'),
      merchant: resolveRateLimit(options.rateLimit, 'merchant'),
    }),
  },
  {
    provide: ASSIST_THROTTLER_STORAGE,
    inject: [ASSIST_MODULE_OPTIONS, AssistRedis, ASSIST_REDIS_KEY_PREFIX, AssistMetrics],
    useFactory: (
      options: AssistModuleOptions,
      redis: AssistRedisClient | null,
      keyPrefix: string,
      metrics: AssistMetrics,
    ) =>
      options.throttlerStorage ??
      (redis
        ? new RedisThrottlerStorage(redis, keyPrefix, (op) => metrics.redisError('rate-limit', op))
        : // O(1) per hit; @nestjs/throttler's own keeps and filters every hit of the window.
          new MemoryThrottlerStorage()),
  },
  AssistIpThrottlerGuard,
  AssistMerchantThrottlerGuard,
];
