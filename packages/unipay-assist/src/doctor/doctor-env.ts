import { merchantsFromEnv } from '../merchants/merchants-from-env';
import { redisConnectionFromEnv } from '../redis/redis-connection-env';
import type { DoctorOptions } from './run-doctor';

/**
 * The doctor's options from the variables the relay reads at start
 * (ASSIST_MERCHANTS_FILE, ASSIST_MCH_NO…, REDIS_URL / REDIS_CLUSTER_NODES /
 * REDIS_SENTINELS, WECHAT_API_BASE, ALIPAY_GATEWAY), `overrides` on top.
 * Throws the MerchantConfigError or RedisConfigError the relay would (a file
 * that cannot be read, a malformed variable), naming the setting.
 */
export function doctorOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  overrides: { merchantsFile?: string; wechatApiBase?: string; alipayGateway?: string } = {},
): DoctorOptions {
  const merchants = merchantsFromEnv({
    ...env,
    ASSIST_MERCHANTS_FILE: overrides.merchantsFile ?? env.ASSIST_MERCHANTS_FILE,
  });
  const redis = redisConnectionFromEnv(env);
  return {
    merchants,
    wechat: { apiBase: overrides.wechatApiBase ?? env.WECHAT_API_BASE },
    alipay: { gateway: overrides.alipayGateway ?? env.ALIPAY_GATEWAY },
    ...(redis && { redis }),
  };
}
