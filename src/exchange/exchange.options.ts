/** Idempotent exchange and the policies around each call to WeChat. */
export interface ExchangeOptions {
  /**
   * How long a request waits for another instance that holds the claim on
   * the same code before answering 30006. Default: 2 × WeChat timeout + 2 s
   * (the claim holder's worst case: one call, one retry).
   */
  waitMs?: number;
  /** Upper bound of a cached result's life; also capped by the token's expires_in. Default 5 min (a code's life). */
  cacheTtlMs?: number;
  /** Pause before the one retry (network failure or errcode -1). Default 100 ms. */
  retryDelayMs?: number;
  /** Consecutive failed calls to a WeChat host that open its circuit. Default 5. */
  breakerThreshold?: number;
  /** How long an open circuit fails fast before one probe call goes through. Default 10 s. */
  breakerHalfOpenMs?: number;
}

export const DEFAULT_EXCHANGE_CACHE_TTL_MS = 5 * 60_000;
export const DEFAULT_RETRY_DELAY_MS = 100;
export const DEFAULT_BREAKER_THRESHOLD = 5;
export const DEFAULT_BREAKER_HALF_OPEN_MS = 10_000;

/** From the environment: EXCHANGE_WAIT_MS, EXCHANGE_CACHE_TTL_MS, WECHAT_RETRY_DELAY_MS, WECHAT_BREAKER_THRESHOLD, WECHAT_BREAKER_HALF_OPEN_MS. */
export function exchangeOptionsFromEnv(env: NodeJS.ProcessEnv): ExchangeOptions {
  return {
    waitMs: positive(env.EXCHANGE_WAIT_MS),
    cacheTtlMs: positive(env.EXCHANGE_CACHE_TTL_MS),
    retryDelayMs: positive(env.WECHAT_RETRY_DELAY_MS, true),
    breakerThreshold: positive(env.WECHAT_BREAKER_THRESHOLD),
    breakerHalfOpenMs: positive(env.WECHAT_BREAKER_HALF_OPEN_MS),
  };
}

function positive(value: string | undefined, zeroOk = false): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && (n > 0 || (zeroOk && n === 0)) ? n : undefined;
}
