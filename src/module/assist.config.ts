import { registerAs } from '@nestjs/config';
import { hostedAuthOptionsFromEnv } from '../channel-auth/hosted-auth.options';
import { envString } from '../kernel/option-checks';
import { exchangeOptionsFromEnv } from '../exchange/exchange.options';
import { merchantsFromEnv } from '../merchants/merchants-from-env';
import { rateLimitsFromEnv } from '../rate-limit/rate-limit.options';
import { wechatOptionsFromEnv } from '../wechat/wechat.options';
import { alipayOptionsFromEnv } from '../alipay/alipay.options';
import { AssistModuleOptions } from './assist.options';

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
    redisUrl: envString(process.env, 'REDIS_URL'),
    redisKeyPrefix: envString(process.env, 'REDIS_KEY_PREFIX'),
    rateLimit: rateLimitsFromEnv(process.env),
    exchange: exchangeOptionsFromEnv(process.env),
    hostedAuth: hostedAuthOptionsFromEnv(process.env),
  }),
);
