import { WechatExchangeResult } from '../wechat/wechat-exchange-result';

/** What the exchange caches of a success: an identity and an access token (sealed). */
export type CacheableExchange = Extract<WechatExchangeResult, { ok: true }>;

/**
 * How a channel's answers pass the exchange: which are successes (cached,
 * sealed with the app's secret) and how one is rebuilt from the cache.
 * Refusals and failures are never cached.
 */
export interface ExchangeCodec<R> {
  /** The success to cache, or undefined for an answer that is not cached. */
  toCached(result: R): CacheableExchange | undefined;
  fromCached(cached: CacheableExchange): R;
}
