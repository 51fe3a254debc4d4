// `unipay-assist/metrics`: Prometheus metrics of the relay (needs prom-client).
export { PrometheusAssistMetrics } from './prometheus-assist.metrics';
export type { PrometheusAssistMetricsOptions } from './prometheus-assist.metrics';
export { AssistMetrics, NoopAssistMetrics } from '../kernel/assist.metrics';
export type { BreakerState, ExchangeReuse } from '../kernel/assist.metrics';
