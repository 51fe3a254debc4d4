import { Provider } from '@nestjs/common';
import type Redis from 'ioredis';
import { ASSIST_MODULE_OPTIONS } from '../module/assist.module-definition';
import { AssistModuleOptions } from '../module/assist.options';
import { AssistRedis } from '../redis/assist-redis';
import { DEFAULT_REDIS_KEY_PREFIX } from '../replay/redis-replay.store';
import {
  ASSIST_RATE_LIMITS,
  ASSIST_THROTTLER_STORAGE,
  AssistIpThrottlerGuard,
  AssistMerchantThrottlerGuard,
  ResolvedRateLimits,
} from './assist-throttler.guard';
import { resolveRateLimit } from './rate-limit.options';
import { MemoryThrottlerStorage } from './memory-throttler.storage';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/** The rate-limit pieces AssistModule provides: limits, storage (Redis or memory), both guards. */
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
    inject: [AssistRedis, ASSIST_MODULE_OPTIONS],
    useFactory: (redis: Redis | null, options: AssistModuleOptions) =>
      redis
        ? new RedisThrottlerStorage(redis, options.redisKeyPrefix ?? DEFAULT_REDIS_KEY_PREFIX)
        : // O(1) per hit; @nestjs/throttler's own keeps and filters every hit of the window.
          new MemoryThrottlerStorage(),
  },
  AssistIpThrottlerGuard,
  AssistMerchantThrottlerGuard,
];
