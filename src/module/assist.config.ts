import { registerAs } from '@nestjs/config';
import { hostedAuthOptionsFromEnv } from '../channel-auth/hosted-auth.options';
import { envString } from '../kernel/option-checks';
import { exchangeOptionsFromEnv } from '../exchange/exchange.options';
import { merchantsFromEnv } from '../merchants/merchants-from-env';
import { rateLimitsFromEnv } from '../rate-limit/rate-limit.options';
import { wechatOptionsFromEnv } from '../wechat/wechat.options';
import { alipayOptionsFromEnv } from '../alipay/alipay.options';
import { AssistConfigError } from '../kernel/assist-config.error';
import { RedisConfigError, redisConnectionFromEnv, RedisConnectionConfig } from '../redis/redis-connection';
import { AssistModuleOptions } from './assist.options';

/** REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS (+ passwords, TLS); see redisConnectionFromEnv. */
function redisFromEnv(): RedisConnectionConfig | undefined {
  try {
    return redisConnectionFromEnv(process.env) ?? undefined;
  } catch (err) {
    if (err instanceof RedisConfigError) throw new AssistConfigError(err.setting, err.message.slice(err.setting.length + 2));
    throw err;
  }
}

/**
 * The module's options from the environment, as a @nestjs/config namespace.
 * `AssistModule.forRootAsync(assistConfig.asProvider())` is the whole mount;
 * or `ConfigModule.forFeature(assistConfig)` and inject `assistConfig.KEY`.
 * A malformed variable fails at start naming it (never silently a default).
 */
export const assistConfig = registerAs(
  'unipayAssist',
  (): AssistModuleOptions => ({
    merchants: merchantsFromEnv(process.env),
    wechat: wechatOptionsFromEnv(process.env),
    alipay: alipayOptionsFromEnv(process.env),
    redis: redisFromEnv(),
    redisKeyPrefix: envString(process.env, 'REDIS_KEY_PREFIX'),
    rateLimit: rateLimitsFromEnv(process.env),
    exchange: exchangeOptionsFromEnv(process.env),
    hostedAuth: hostedAuthOptionsFromEnv(process.env),
  }),
);
