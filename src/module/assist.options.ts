import { Type } from '@nestjs/common';
import { MerchantInput } from '../merchants/merchant';
import { MerchantProvider } from '../merchants/merchant.provider';
import { RateLimitOptions } from '../rate-limit/rate-limit.options';
import { ExchangeOptions } from '../exchange/exchange.options';
import { AssistMetrics } from '../kernel/assist.metrics';

export const DEFAULT_WECHAT_API_BASE = 'https://api.weixin.qq.com';
export const DEFAULT_WECHAT_OPEN_BASE = 'https://open.weixin.qq.com';
export const DEFAULT_ROUTE_PREFIX = 'unipay/assist';

export interface WechatOptions {
  /** Base of `sns/oauth2/access_token`. Default WeChat's API host. */
  apiBase?: string;
  /** Base of `connect/oauth2/authorize`. Default WeChat's open host. */
  openBase?: string;
  /** Timeout of one call to WeChat in ms. Default 5000. */
  timeoutMs?: number;
}

/** What `forRoot` / `forRootAsync`'s factory returns. */
export interface AssistModuleOptions {
  /** Merchants, when no `merchantProvider` class is given. Validated at start. */
  merchants?: MerchantInput[] | unknown[];
  wechat?: WechatOptions;
  /** ioredis URL; when set, replay memory is shared through Redis. */
  redisUrl?: string;
  /** Prefix of every Redis key the module writes. Default `unipay:assist:`. */
  redisKeyPrefix?: string;
  /** Per-IP and per-merchant limits (answered with 20063); Redis-backed when redisUrl is set. */
  rateLimit?: RateLimitOptions;
  /** Idempotent code exchange, retry and circuit breaker (see ExchangeOptions). */
  exchange?: ExchangeOptions;
  /** Where the relay reports metrics, e.g. `new PrometheusAssistMetrics({ registry })` from `unipay-assist/metrics`. Default: none. */
  metrics?: AssistMetrics;
}

/** Static settings, known before any provider is built. */
export interface AssistModuleExtras {
  /** Make the module's exports global. Default false. */
  isGlobal?: boolean;
  /** Route prefix of the two routes. Default `unipay/assist`. */
  routePrefix?: string;
  /** A host's own merchant store, replacing `options.merchants`. */
  merchantProvider?: Type<MerchantProvider>;
}
