import { Registry } from 'prom-client';
import { PrometheusAssistMetrics } from '../../src/metrics/prometheus-assist.metrics';

describe('PrometheusAssistMetrics: the upstream-call metric by channel', () => {
  it('labels each call with its channel; a caller that passes none (the pre-channel signature) counts as wechat', async () => {
    const registry = new Registry();
    const metrics = new PrometheusAssistMetrics({ registry });
    metrics.upstreamCall(0.01, 'ok');
    metrics.upstreamCall(0.01, 'ok', undefined, 'alipay');
    metrics.upstreamCall(0.01, 'errcode', 40029, 'wechat_mini');
    metrics.upstreamCall(0.01, 29302, undefined, 'alipay');
    const text = await registry.metrics();
    expect(text).toContain('unipay_assist_upstream_call_duration_seconds_count{outcome="ok",channel="wechat"} 1');
    expect(text).toContain('unipay_assist_upstream_call_duration_seconds_count{outcome="ok",channel="alipay"} 1');
    expect(text).toContain(
      'unipay_assist_upstream_call_duration_seconds_count{outcome="errcode",channel="wechat_mini"} 1',
    );
    expect(text).toContain('unipay_assist_upstream_call_duration_seconds_count{outcome="29302",channel="alipay"} 1');
    expect(text).toContain('unipay_assist_upstream_errcodes_total{errcode="40029",channel="wechat_mini"} 1');
  });
});
