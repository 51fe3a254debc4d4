import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { AssistHealthIndicator } from 'unipay-assist/health';
import { PrometheusAssistMetrics } from 'unipay-assist/metrics';
import { DemoOpsController } from './demo-ops.controller';

export interface DemoOpsOptions {
  /** Node process metrics (CPU, memory, event loop, GC) next to the relay's. Default true. */
  defaultMetrics?: boolean;
}

/**
 * What a host adds around AssistModule for operations: a Prometheus registry
 * of its own (one per app, so several apps in one process stay apart), the
 * relay's metrics on it (PrometheusAssistMetrics, passed as `metrics` in the
 * module options), Terminus with the relay's health indicator.
 */
@Module({})
export class DemoOpsModule {
  static register(options: DemoOpsOptions = {}): DynamicModule {
    const registry = new Registry();
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
    return {
      module: DemoOpsModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
      controllers: [DemoOpsController],
      providers: [
        { provide: Registry, useValue: registry },
        // Its own class as token: the AssistMetrics token belongs to AssistModule, which builds it from the options.
        { provide: PrometheusAssistMetrics, useValue: new PrometheusAssistMetrics({ registry }) },
        AssistHealthIndicator,
      ],
      exports: [PrometheusAssistMetrics, Registry],
    };
  }
}
