import { Inject } from '@nestjs/common';
import { envInteger, optionalInteger } from '../kernel/option-checks';

/** Idempotent exchange and the policies around each call to the channel. */
export interface ExchangeOptions {
  /**
   * How long a request waits for another instance that holds the claim on
   * the same code before answering 29306. Default: 2 × upstream timeout + retry
   * delay + 2 s (the claim holder's worst case: one call, one retry).
   */
  waitMs?: number;
  /** Upper bound of a cached result's life; also capped by the token's expires_in. Default 5 min (a code's life). */
  cacheTtlMs?: number;
  /** Pause before the one retry (network failure or errcode -1). Default 100 ms. */
  retryDelayMs?: number;
  /** Consecutive failed calls to an upstream host that open its circuit. Default 5. */
  breakerThreshold?: number;
  /** How long an open circuit fails fast before one probe call goes through. Default 10 s. */
  breakerHalfOpenMs?: number;
}

export interface ResolvedExchangeOptions extends Readonly<Required<ExchangeOptions>> {
  /** How long a claim lives: the holder's worst case (a call, the pause, a retry) plus slack. */
  readonly claimTtlMs: number;
}

export const DEFAULT_EXCHANGE_CACHE_TTL_MS = 5 * 60_000;
export const DEFAULT_RETRY_DELAY_MS = 100;
export const DEFAULT_BREAKER_THRESHOLD = 5;
export const DEFAULT_BREAKER_HALF_OPEN_MS = 10_000;

/** The exchange feature's own options (resolved and validated at start). */
export const EXCHANGE_OPTIONS = Symbol('UnipayAssistExchangeOptions');
export const InjectExchangeOptions = (): ParameterDecorator => Inject(EXCHANGE_OPTIONS);

/** Defaults applied, every value checked; errors name the option (`exchange.waitMs`). */
export function resolveExchangeOptions(
  options: ExchangeOptions | undefined,
  upstreamTimeoutMs: number,
): ResolvedExchangeOptions {
  const o = options ?? {};
  const retryDelayMs =
    optionalInteger(o.retryDelayMs, 'exchange.retryDelayMs', { zeroOk: true, max: 10_000 }) ?? DEFAULT_RETRY_DELAY_MS;
  const claimTtlMs = 2 * upstreamTimeoutMs + retryDelayMs + 2000;
  return {
    retryDelayMs,
    claimTtlMs,
    waitMs: optionalInteger(o.waitMs, 'exchange.waitMs') ?? claimTtlMs,
    cacheTtlMs:
      optionalInteger(o.cacheTtlMs, 'exchange.cacheTtlMs', { max: DEFAULT_EXCHANGE_CACHE_TTL_MS }) ??
      DEFAULT_EXCHANGE_CACHE_TTL_MS,
    breakerThreshold: optionalInteger(o.breakerThreshold, 'exchange.breakerThreshold') ?? DEFAULT_BREAKER_THRESHOLD,
    breakerHalfOpenMs:
      optionalInteger(o.breakerHalfOpenMs, 'exchange.breakerHalfOpenMs') ?? DEFAULT_BREAKER_HALF_OPEN_MS,
  };
}

/** EXCHANGE_WAIT_MS, EXCHANGE_CACHE_TTL_MS, WECHAT_RETRY_DELAY_MS, WECHAT_BREAKER_THRESHOLD, WECHAT_BREAKER_HALF_OPEN_MS. */
export function exchangeOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): ExchangeOptions {
  return {
    waitMs: envInteger(env, 'EXCHANGE_WAIT_MS'),
    cacheTtlMs: envInteger(env, 'EXCHANGE_CACHE_TTL_MS', { max: DEFAULT_EXCHANGE_CACHE_TTL_MS }),
    retryDelayMs: envInteger(env, 'WECHAT_RETRY_DELAY_MS', { zeroOk: true, max: 10_000 }),
    breakerThreshold: envInteger(env, 'WECHAT_BREAKER_THRESHOLD'),
    breakerHalfOpenMs: envInteger(env, 'WECHAT_BREAKER_HALF_OPEN_MS'),
  };
}
