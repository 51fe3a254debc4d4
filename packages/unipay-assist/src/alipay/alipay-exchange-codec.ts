import { CacheableExchange, ExchangeCodec } from '../exchange/exchange-codec';
import { AlipayExchangeResult } from './alipay-exchange-result';

/** How long a success without a usable `expires_in` is reused: an auth code's own life. */
const FALLBACK_TTL_SECONDS = 300;

/**
 * Alipay's answer through the idempotent exchange's sealed cache. The cache
 * keeps one identity string and the access token; an Alipay success may hold
 * user_id, open_id or both, so the identity slot holds the pair as JSON.
 * Sealed with the app's private key like every cached result; only this
 * codec reads it back. Refusals are never cached.
 */
export const ALIPAY_EXCHANGE_CODEC: ExchangeCodec<AlipayExchangeResult> = {
  toCached(r) {
    if (!r.ok) return undefined;
    return {
      ok: true,
      token: {
        openId: JSON.stringify([r.userId ?? null, r.openId ?? null]),
        accessToken: r.accessToken,
        expiresIn: r.expiresIn > 0 ? r.expiresIn : FALLBACK_TTL_SECONDS,
      },
    };
  },
  fromCached(c: CacheableExchange): AlipayExchangeResult {
    const ids: unknown = JSON.parse(c.token.openId);
    const [userId, openId] = (Array.isArray(ids) ? ids : []) as unknown[];
    const result: AlipayExchangeResult = { ok: true, accessToken: c.token.accessToken, expiresIn: c.token.expiresIn };
    if (typeof userId === 'string') result.userId = userId;
    if (typeof openId === 'string') result.openId = openId;
    return result;
  },
};
