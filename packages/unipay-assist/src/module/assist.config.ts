import { registerAs } from '@nestjs/config';
import { hostedAuthOptionsFromEnv } from '../channel-auth/hosted-auth.options';
import { envInteger, envString } from '../kernel/option-checks';
import { exchangeOptionsFromEnv } from '../exchange/exchange.options';
import { merchantsFromEnv } from '../merchants/merchants-from-env';
import { rateLimitsFromEnv } from '../rate-limit/rate-limit.options';
import { wechatOptionsFromEnv } from '../wechat/wechat.options';
import { douyinOptionsFromEnv } from '../douyin/douyin.options';
import { wechatServiceProviderFromEnv } from '../wechat/wechat-service-provider.options';
import { wechatComponentFromEnv } from '../wechat-component/wechat-component.options';
import { alipayOptionsFromEnv } from '../alipay/alipay.options';
import { AssistConfigError } from '../kernel/assist-config.error';
import { RedisConfigError, redisConnectionFromEnv, RedisConnectionConfig } from '../redis/redis-connection';
import { MAX_REPLICA_WAIT_MS } from '../redis/replica-acks';
import { AssistModuleOptions } from './assist.options';
import { openOptionsFromEnv } from '../daxpay-open/open.options';

/**
 * REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS (+ passwords, TLS); see
 * redisConnectionFromEnv. A plain REDIS_URL stays `redisUrl`, so a host that
 * spreads these options and sets its own `redisUrl` or `redis` still can.
 */
function redisFromEnv(): Pick<AssistModuleOptions, 'redis' | 'redisUrl'> {
  let config: RedisConnectionConfig | null;
  try {
    config = redisConnectionFromEnv(process.env);
  } catch (err) {
    if (err instanceof RedisConfigError)
      throw new AssistConfigError(err.setting, err.message.slice(err.setting.length + 2));
    throw err;
  }
  if (!config) return {};
  if (config.kind === 'single' && !config.tls && config.username === undefined && config.password === undefined)
    return { redisUrl: config.url };
  return { redis: config };
}

/** REDIS_WAIT_REPLICAS, REDIS_WAIT_TIMEOUT_MS (see RedisReplicaAcks; the timeout at most MAX_REPLICA_WAIT_MS). */
function replicaAcksFromEnv(): AssistModuleOptions['redisReplicaAcks'] {
  const replicas = envInteger(process.env, 'REDIS_WAIT_REPLICAS', { zeroOk: true, max: 5 });
  const timeoutMs = envInteger(process.env, 'REDIS_WAIT_TIMEOUT_MS', { max: MAX_REPLICA_WAIT_MS });
  return replicas === undefined && timeoutMs === undefined ? undefined : { replicas: replicas ?? 0, timeoutMs };
}

/**
 * The module's options from the environment, as a @nestjs/config namespace.
 * `AssistModule.forRootAsync(assistConfig.asProvider())` is the whole mount;
 * or `ConfigModule.forFeature(assistConfig)` and inject `assistConfig.KEY`.
 * A malformed variable fails at start naming it (never silently a default).
 */
export const assistConfig = registerAs('unipayAssist', (): AssistModuleOptions => ({
  merchants: merchantsFromEnv(process.env),
  wechat: wechatOptionsFromEnv(process.env),
  douyin: douyinOptionsFromEnv(process.env),
  wechatServiceProvider: wechatServiceProviderFromEnv(process.env),
  wechatComponent: wechatComponentFromEnv(process.env),
  alipay: alipayOptionsFromEnv(process.env),
  ...redisFromEnv(),
  redisReplicaAcks: replicaAcksFromEnv(),
  redisKeyPrefix: envString(process.env, 'REDIS_KEY_PREFIX'),
  rateLimit: rateLimitsFromEnv(process.env),
  exchange: exchangeOptionsFromEnv(process.env),
  hostedAuth: hostedAuthOptionsFromEnv(process.env),
  ...openOptionsFromEnv(process.env),
}));
