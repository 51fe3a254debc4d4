import {
  BrokenCircuitError,
  circuitBreaker,
  ConsecutiveBreaker,
  ConstantBackoff,
  handleWhen,
  IPolicy,
  retry,
  wrap,
} from 'cockatiel';
import { AssistException } from '../kernel/assist.exception';
import { AssistErrorCode } from '@unipay-assist/wire';
import { WechatExchangeResult } from '../wechat/wechat-exchange-result';

export interface WechatCallPolicyOptions {
  retryDelayMs: number;
  breakerThreshold: number;
  breakerHalfOpenMs: number;
  /** The one retry of a connection failure or errcode -1. Default true. */
  retry?: boolean;
}

export interface WechatCallPolicyEvents {
  onRetry?(reason: string): void;
  onBreak?(): void;
  onHalfOpen?(): void;
  onReset?(): void;
}

/**
 * Safe to repeat: the call never got an answer because the connection failed
 * (29301), or WeChat said -1 "busy" without looking at the code. A timeout
 * (29302) is NOT retried: the request may have reached WeChat and spent the
 * code, so a retry would most likely turn a clear timeout into a confusing
 * 40163 and double the payer's wait. 5xx, garbage and every other errcode
 * are not retried either.
 */
export function isRetryable(outcome: unknown): boolean {
  if (outcome instanceof AssistException) return outcome.code === AssistErrorCode.UPSTREAM_UNREACHABLE;
  return isBusy(outcome);
}

/** Says the host is unwell (counts toward opening its circuit); code errors and 45011 do not. */
export function isHostFailure(outcome: unknown): boolean {
  if (outcome instanceof AssistException) {
    const unwell: number[] = [
      AssistErrorCode.UPSTREAM_UNREACHABLE,
      AssistErrorCode.UPSTREAM_TIMEOUT,
      AssistErrorCode.UPSTREAM_BAD_RESPONSE,
      AssistErrorCode.UPSTREAM_HTTP_ERROR,
    ];
    return unwell.includes(outcome.code);
  }
  return isBusy(outcome);
}

function isBusy(outcome: unknown): boolean {
  const r = outcome as WechatExchangeResult | undefined;
  return typeof r === 'object' && r !== null && r.ok === false && r.errcode === -1;
}

/**
 * One host's policy, built on cockatiel: at most one retry (after
 * `retryDelayMs`), each attempt going through the host's circuit breaker,
 * so the breaker counts every upstream call. While the circuit is open a
 * call fails fast with 29305 without touching WeChat; after
 * `breakerHalfOpenMs` one probe goes through and closes it on success.
 */
export function createWechatCallPolicy(options: WechatCallPolicyOptions, events: WechatCallPolicyEvents = {}): IPolicy {
  const breaker = circuitBreaker(handleWhen(isHostFailure).orWhenResult(isHostFailure), {
    halfOpenAfter: options.breakerHalfOpenMs,
    breaker: new ConsecutiveBreaker(options.breakerThreshold),
  });
  breaker.onBreak(() => events.onBreak?.());
  breaker.onHalfOpen(() => events.onHalfOpen?.());
  breaker.onReset(() => events.onReset?.());
  if (options.retry === false) return breaker;
  const retrier = retry(handleWhen(isRetryable).orWhenResult(isRetryable), {
    maxAttempts: 1,
    backoff: new ConstantBackoff(options.retryDelayMs),
  });
  retrier.onRetry((r) => events.onRetry?.('error' in r ? describe(r.error) : 'errcode -1'));
  return wrap(retrier, breaker);
}

/** 29305 for a call refused by an open circuit; any other error unchanged. */
export function circuitOpenError(err: unknown, channel = 'WeChat'): unknown {
  if (err instanceof BrokenCircuitError) {
    return new AssistException(
      AssistErrorCode.UPSTREAM_CIRCUIT_OPEN,
      `${channel} is failing: calls are paused for a few seconds (circuit open), retry shortly`,
    );
  }
  return err;
}

function describe(err: unknown): string {
  return err instanceof AssistException ? `error ${err.code}` : 'error';
}
