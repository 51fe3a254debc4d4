import { DEFAULT_ALIPAY_GATEWAY } from '../alipay/alipay-oauth.client';
import { Merchant } from '../merchants/merchant';
import { MerchantConfigError } from '../merchants/merchant-config.error';
import { normalizeMerchant, normalizeMerchants } from '../merchants/normalize-merchant';
import type { AssistModuleOptions } from '../module/assist.options';
import { probeAlipayApp } from './alipay-probe';
import { DoctorReport, DoctorRow, reportOf } from './doctor-report';
import { checkAlipayKeyPair, checkDialects, checkRedirectHosts, checkSecrets, merchantLabel } from './merchant-checks';
import { checkRedis } from './redis-check';
import { probeWechatApp } from './wechat-probe';

export interface DoctorOptions extends Pick<
  AssistModuleOptions,
  'merchants' | 'wechat' | 'alipay' | 'redis' | 'redisUrl'
> {
  /** Ask WeChat and Alipay about each app with a deliberately invalid code. Default true. */
  probes?: boolean;
  /** Per probe and for Redis, in ms. Default 5000. */
  timeoutMs?: number;
}

/**
 * The operator's self-test (`unipay-assist doctor`), also for a host to call
 * at start with the module's own options: every merchant's configuration,
 * secrets and keys, redirect hosts, its WeChat and Alipay apps (probed with a
 * deliberately invalid code, so no payer is touched and nothing is spent),
 * and Redis with its topology. One row per merchant and check; `ok` is false
 * when a row failed. Rows never hold a secret, a key or a code.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const rows: DoctorRow[] = [];
  const probes = options.probes ?? true;
  const timeoutMs = options.timeoutMs ?? 5000;
  const raw = options.merchants ?? [];
  const merchants: Merchant[] = [];
  raw.forEach((entry, i) => {
    try {
      const m = normalizeMerchant(entry, i);
      merchants.push(m);
      rows.push({ merchant: merchantLabel(m), check: 'config', status: 'ok', detail: 'valid' });
    } catch (err) {
      rows.push({
        merchant: `#${i + 1}`,
        check: 'config',
        status: 'fail',
        detail: err instanceof MerchantConfigError ? err.message : 'invalid entry',
      });
    }
  });
  rows.push(checkMerchantList(raw));

  const apiBase = httpUrl(options.wechat?.apiBase, WECHAT_API_BASE, 'wechat.apiBase', rows);
  const gateway = httpUrl(options.alipay?.gateway, DEFAULT_ALIPAY_GATEWAY, 'alipay.gateway', rows);

  for (const m of merchants) {
    rows.push(checkSecrets(m), checkDialects(m), checkRedirectHosts(m));
    const keys = checkAlipayKeyPair(m);
    if (keys) rows.push(keys);
    const label = merchantLabel(m);
    const skipped = (check: string): DoctorRow => ({
      merchant: label,
      check,
      status: 'skip',
      detail: probes ? 'channel options invalid' : 'probes off',
    });
    const canProbe = probes && apiBase !== undefined && gateway !== undefined;
    const wx = m.wechat;
    if (wx.appSecret === undefined) {
      // The gateway's service-provider app or third-party platform exchanges the code: no per-merchant secret to probe.
      rows.push({
        merchant: label,
        check: 'wechat app',
        status: 'skip',
        detail: wx.serviceProvider
          ? "the gateway's service-provider app"
          : `${wx.appId} through the gateway's third-party platform`,
      });
    } else {
      rows.push(
        canProbe
          ? {
              merchant: label,
              check: 'wechat app',
              ...(await probeWechatApp(apiBase, { appId: wx.appId, appSecret: wx.appSecret }, 'web', timeoutMs)),
            }
          : skipped('wechat app'),
      );
    }
    if (m.miniProgram) {
      rows.push(
        canProbe
          ? {
              merchant: label,
              check: 'mini program',
              ...(await probeWechatApp(apiBase, m.miniProgram, 'mini', timeoutMs)),
            }
          : skipped('mini program'),
      );
    }
    if (m.alipay) {
      rows.push(
        canProbe
          ? { merchant: label, check: 'alipay app', ...(await probeAlipayApp(gateway, m.alipay, timeoutMs)) }
          : skipped('alipay app'),
      );
    }
  }
  rows.push(await checkRedis({ redis: options.redis, redisUrl: options.redisUrl }, timeoutMs));
  return reportOf(rows);
}

/** WeChat's API host (the module's default; repeated here so the doctor loads no NestJS). */
const WECHAT_API_BASE = 'https://api.weixin.qq.com';

/** The option, or its default; a value that is no http(s) URL is a failed row and no probe. */
function httpUrl(value: string | undefined, fallback: string, option: string, rows: DoctorRow[]): string | undefined {
  if (value === undefined || value === '') return fallback;
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value;
  } catch {
    // reported below
  }
  rows.push({
    merchant: '(relay)',
    check: 'channel options',
    status: 'fail',
    detail: `${option} must be an http(s) URL`,
  });
  return undefined;
}

/** The list as a whole: at least one merchant, unique mchNo/appId, at most one default. */
function checkMerchantList(raw: readonly unknown[]): DoctorRow {
  try {
    const all = normalizeMerchants(raw);
    const def = all.find((m) => m.default) ?? all[0];
    return {
      merchant: '(relay)',
      check: 'merchants',
      status: 'ok',
      detail: `${all.length} merchant(s); a request naming none goes to ${merchantLabel(def)}`,
    };
  } catch (err) {
    return {
      merchant: '(relay)',
      check: 'merchants',
      status: 'fail',
      detail: err instanceof MerchantConfigError ? err.message : 'invalid list',
    };
  }
}
