import { Controller, Get, Header, Inject, Module } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { Registry } from 'prom-client';
import { AssistHealthIndicator } from 'unipay-assist/health';
import { PrometheusAssistMetrics } from 'unipay-assist/metrics';

/** The host's own registry: the relay's metrics go there (AssistModule option `metrics`). */
export const HOST_REGISTRY = new Registry();

@Controller()
class OpsController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly assist: AssistHealthIndicator,
  ) {}

  @Get('health')
  @HealthCheck()
  check() {
    return this.health.check([() => this.assist.isHealthy('payments')]);
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metrics(): Promise<string> {
    return HOST_REGISTRY.metrics();
  }
}

@Module({
  imports: [TerminusModule],
  controllers: [OpsController],
  providers: [
    AssistHealthIndicator,
    {
      provide: PrometheusAssistMetrics,
      useValue: new PrometheusAssistMetrics({ registry: HOST_REGISTRY, prefix: 'host_payments_' }),
    },
  ],
  exports: [PrometheusAssistMetrics],
})
export class OpsModule {}
