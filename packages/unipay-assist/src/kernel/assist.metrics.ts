/** A WeChat circuit breaker's state, per WeChat host. */
export type BreakerState = 'closed' | 'half-open' | 'open';

/** Where a replayed answer came from: the replay store (finished earlier, this or another instance) or an identical request in flight here. */
export type ReplayAnswerSource = 'stored' | 'joined';

/** Which upstream a call went to: WeChat's web OAuth (own or service-provider app), WeChat's mini-program jscode2session, WeChat's web OAuth through the third-party platform (with its token), Alipay's gateway, or Douyin's OAuth. */
export type UpstreamChannel = 'wechat' | 'wechat_mini' | 'wechat_component' | 'alipay' | 'douyin';

/** A store that keeps its state in Redis. */
export type RedisStoreName = 'replay' | 'exchange' | 'rate-limit' | 'channel-auth' | 'wechat-component';

/** Where an idempotent exchange's answer came from without a new WeChat call. */
export type ExchangeReuse = 'cache' | 'joined' | 'peer';

/**
 * What the relay reports as it runs. The default does nothing; a host passes
 * an implementation in the module options (`metrics`), e.g.
 * `new PrometheusAssistMetrics({ registry })` from `unipay-assist/metrics`.
 * Calls sit on the request path: implementations must be cheap and never throw.
 */
export interface AssistMetrics {
  /**
   * One answered request: route name (`getWxAccessToken`, `getWxAuthUrl`, or
   * `other` under the prefix), envelope code, and the DaxPay generation that
   * answered (`daxpay-2.0.6` …; absent when no merchant was found). `dialect`
   * is optional and last, so implementations written before it keep compiling.
   */
  request(route: string, code: number, dialect?: string): void;
  /**
   * One upstream call: its duration and outcome (`ok`, `errcode` for a
   * refusal, or the envelope code of a failure), and which upstream it went
   * to. `channel` is optional and last, so implementations and callers
   * written before it keep compiling; absent means `wechat`.
   */
  upstreamCall(seconds: number, outcome: 'ok' | 'errcode' | number, errcode?: number, channel?: UpstreamChannel): void;
  /** An exchange answered without calling WeChat again. */
  exchangeReused(source: ExchangeReuse): void;
  /** A signed request seen a second time and refused (strict mode, `replay: 'reject'`). */
  replayRejected(): void;
  /**
   * A signed request seen again within its window and answered with the
   * answer it got the first time, without running again (`replay: 'answer'`).
   */
  replayAnswered(source: ReplayAnswerSource): void;
  /** The WeChat breaker of `host` changed state. */
  breakerState(host: string, state: BreakerState): void;
  /**
   * A Redis command of `store` failed (the request failed closed, 29310,
   * or, for `exchange`/`result_write`, the result is being written again).
   * `op` is the store's operation (`claim`, `get`, `settle`, `increment`, …).
   */
  redisError(store: RedisStoreName, op: string): void;
}

export const AssistMetrics = Symbol('AssistMetrics');

export class NoopAssistMetrics implements AssistMetrics {
  request(): void {}
  upstreamCall(): void {}
  exchangeReused(): void {}
  replayRejected(): void {}
  replayAnswered(): void {}
  breakerState(): void {}
  redisError(): void {}
}
