import { registerAs } from '@nestjs/config';
import { exchangeOptionsFromEnv } from '../exchange/exchange.options';
import { merchantsFromEnv } from '../merchants/merchants-from-env';
import { rateLimitsFromEnv } from '../rate-limit/rate-limit.options';
import { AssistModuleOptions } from './assist.options';

/**
 * The module's options from the environment, as a @nestjs/config namespace:
 * `ConfigModule.forFeature(assistConfig)` then inject `assistConfig.KEY`, or
 * `configService.get('unipayAssist')`.
 */
export const assistConfig = registerAs('unipayAssist', (): AssistModuleOptions => {
  const env = process.env;
  const timeout = env.WECHAT_TIMEOUT_MS ? Number(env.WECHAT_TIMEOUT_MS) : undefined;
  return {
    merchants: merchantsFromEnv(env),
    wechat: {
      apiBase: env.WECHAT_API_BASE || undefined,
      openBase: env.WECHAT_OPEN_BASE || undefined,
      timeoutMs: timeout !== undefined && Number.isFinite(timeout) && timeout > 0 ? timeout : undefined,
    },
    redisUrl: env.REDIS_URL || undefined,
    redisKeyPrefix: env.REDIS_KEY_PREFIX || undefined,
    rateLimit: rateLimitsFromEnv(env),
    exchange: exchangeOptionsFromEnv(env),
  };
});
