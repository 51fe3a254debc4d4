/** One limit: at most `limit` requests per `windowMs`; over it, refused for `blockMs` (default: the window). */
export interface RateLimit {
  limit: number;
  windowMs: number;
  blockMs?: number;
}

/** `false` (or a limit of 0) turns one limit off. */
export interface RateLimitOptions {
  /** Per client IP (the connection's address; IPv6 grouped by /64), counted before the signature check. */
  ip?: RateLimit | false;
  /** Per authenticated merchant, counted after the signature check. */
  merchant?: RateLimit | false;
}

export type RateLimitScope = 'ip' | 'merchant';

/** Defaults: generous for a merchant backend, tight enough to stop a flood. */
export const DEFAULT_RATE_LIMITS: Readonly<Record<RateLimitScope, RateLimit>> = {
  ip: { limit: 1000, windowMs: 10_000 },
  merchant: { limit: 2000, windowMs: 10_000 },
};

/** The effective limit of one scope, or undefined when it is off. Throws on a nonsensical value. */
export function resolveRateLimit(options: RateLimitOptions | undefined, scope: RateLimitScope): RateLimit | undefined {
  const given = options?.[scope];
  if (given === false) return undefined;
  const limit = { ...DEFAULT_RATE_LIMITS[scope], ...(given ?? {}) };
  for (const field of ['limit', 'windowMs'] as const) {
    if (!Number.isSafeInteger(limit[field]) || limit[field] < 0) {
      throw new Error(`rateLimit.${scope}.${field} must be a non-negative integer`);
    }
  }
  if (limit.blockMs !== undefined && (!Number.isSafeInteger(limit.blockMs) || limit.blockMs < 0)) {
    throw new Error(`rateLimit.${scope}.blockMs must be a non-negative integer`);
  }
  return limit.limit === 0 || limit.windowMs === 0 ? undefined : limit;
}

/**
 * Reads `RATE_LIMIT_IP`, `RATE_LIMIT_IP_WINDOW_MS`, `RATE_LIMIT_MERCHANT`,
 * `RATE_LIMIT_MERCHANT_WINDOW_MS` (0 turns a limit off). Unset variables keep the defaults.
 */
export function rateLimitsFromEnv(env: Readonly<Record<string, string | undefined>>): RateLimitOptions {
  const one = (scope: RateLimitScope, prefix: string): RateLimit | false | undefined => {
    const limit = env[prefix];
    const windowMs = env[`${prefix}_WINDOW_MS`];
    if (limit === undefined && windowMs === undefined) return undefined;
    const l = limit === undefined ? DEFAULT_RATE_LIMITS[scope].limit : Number(limit);
    const w = windowMs === undefined ? DEFAULT_RATE_LIMITS[scope].windowMs : Number(windowMs);
    if (!Number.isSafeInteger(l) || l < 0) throw new Error(`${prefix} must be a non-negative integer, not ${limit}`);
    if (!Number.isSafeInteger(w) || w < 0)
      throw new Error(`${prefix}_WINDOW_MS must be a non-negative integer, not ${windowMs}`);
    return l === 0 || w === 0 ? false : { limit: l, windowMs: w };
  };
  const out: RateLimitOptions = {};
  const ip = one('ip', 'RATE_LIMIT_IP');
  const merchant = one('merchant', 'RATE_LIMIT_MERCHANT');
  if (ip !== undefined) out.ip = ip;
  if (merchant !== undefined) out.merchant = merchant;
  return out;
}
