import { Counter, Gauge, Histogram, Registry, register as globalRegistry } from 'prom-client';
import {
  AssistMetrics,
  BreakerState,
  ExchangeReuse,
  RedisStoreName,
  ReplayAnswerSource,
  UpstreamChannel,
} from '../kernel/assist.metrics';

export interface PrometheusAssistMetricsOptions {
  /** Where the metrics live. Default prom-client's global registry (what most /metrics endpoints serve). */
  registry?: Registry;
  /** Metric name prefix. Default `unipay_assist_`. */
  prefix?: string;
  /** Buckets of the WeChat call histogram, in seconds. */
  wechatBuckets?: number[];
}

const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

/**
 * AssistMetrics on prom-client. Metrics already in the registry under the
 * same name are reused, so two mounts (or two apps in one test process) can
 * share a registry.
 */
export class PrometheusAssistMetrics implements AssistMetrics {
  readonly registry: Registry;
  private readonly requests: Counter<'route' | 'code' | 'dialect'>;
  private readonly wechatSeconds: Histogram<'outcome' | 'channel'>;
  private readonly wechatErrcodes: Counter<'errcode' | 'channel'>;
  private readonly reuses: Counter<'source'>;
  private readonly replays: Counter<string>;
  private readonly replayAnswers: Counter<'source'>;
  private readonly breakers: Gauge<'host'>;
  private readonly redisErrors: Counter<'store' | 'op'>;

  constructor(options: PrometheusAssistMetricsOptions = {}) {
    const registry = (this.registry = options.registry ?? globalRegistry);
    const p = options.prefix ?? 'unipay_assist_';
    const reuse = <T>(name: string, make: () => T): T => (registry.getSingleMetric(name) as T | undefined) ?? make();
    const registers = [registry];
    this.requests = reuse(
      `${p}requests_total`,
      () =>
        new Counter({
          name: `${p}requests_total`,
          help: 'Answered requests by route, envelope code and the DaxPay generation that answered (none: no merchant)',
          labelNames: ['route', 'code', 'dialect'],
          registers,
        }),
    );
    this.wechatSeconds = reuse(
      `${p}upstream_call_duration_seconds`,
      () =>
        new Histogram({
          name: `${p}upstream_call_duration_seconds`,
          help: 'Upstream code exchanges (WeChat web, WeChat mini program, Alipay) by outcome (ok, errcode, or the envelope code of a failure) and channel',
          labelNames: ['outcome', 'channel'],
          buckets: options.wechatBuckets ?? [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
          registers,
        }),
    );
    this.wechatErrcodes = reuse(
      `${p}upstream_errcodes_total`,
      () =>
        new Counter({
          name: `${p}upstream_errcodes_total`,
          help: 'WeChat errcode answers by errcode and channel (wechat, wechat_mini, wechat_component)',
          labelNames: ['errcode', 'channel'],
          registers,
        }),
    );
    this.reuses = reuse(
      `${p}exchange_reused_total`,
      () =>
        new Counter({
          name: `${p}exchange_reused_total`,
          help: 'Code exchanges answered without a new WeChat call (cache, joined in-flight, peer instance)',
          labelNames: ['source'],
          registers,
        }),
    );
    this.replays = reuse(
      `${p}replay_rejections_total`,
      () =>
        new Counter({
          name: `${p}replay_rejections_total`,
          help: "Signed requests rejected as replays (merchants with replay: 'reject')",
          registers,
        }),
    );
    this.replayAnswers = reuse(
      `${p}replay_answers_total`,
      () =>
        new Counter({
          name: `${p}replay_answers_total`,
          help: 'Signed requests seen again and answered with their first answer, without running again (stored, or joined in flight)',
          labelNames: ['source'],
          registers,
        }),
    );
    this.redisErrors = reuse(
      `${p}redis_errors_total`,
      () =>
        new Counter({
          name: `${p}redis_errors_total`,
          help: 'Failed Redis commands by store and operation (the request failed closed)',
          labelNames: ['store', 'op'],
          registers,
        }),
    );
    this.breakers = reuse(
      `${p}upstream_breaker_state`,
      () =>
        new Gauge({
          name: `${p}upstream_breaker_state`,
          help: 'WeChat circuit breaker per host: 0 closed, 1 half-open, 2 open',
          labelNames: ['host'],
          registers,
        }),
    );
  }

  request(route: string, code: number, dialect?: string): void {
    this.requests.inc({ route, code: String(code), dialect: dialect ?? 'none' });
  }

  upstreamCall(
    seconds: number,
    outcome: 'ok' | 'errcode' | number,
    errcode?: number,
    channel: UpstreamChannel = 'wechat',
  ): void {
    this.wechatSeconds.observe({ outcome: String(outcome), channel }, seconds);
    if (errcode !== undefined) this.wechatErrcodes.inc({ errcode: String(errcode), channel });
  }

  exchangeReused(source: ExchangeReuse): void {
    this.reuses.inc({ source });
  }

  replayRejected(): void {
    this.replays.inc();
  }

  replayAnswered(source: ReplayAnswerSource): void {
    this.replayAnswers.inc({ source });
  }

  redisError(store: RedisStoreName, op: string): void {
    this.redisErrors.inc({ store, op });
  }

  breakerState(host: string, state: BreakerState): void {
    this.breakers.set({ host }, BREAKER_VALUE[state]);
  }
}
