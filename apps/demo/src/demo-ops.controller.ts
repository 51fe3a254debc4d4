import { Controller, Get, Header, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { Registry } from 'prom-client';
import { AssistHealthIndicator } from 'unipay-assist/health';
import { ApiExcludeController } from '@nestjs/swagger';

/** `/health` (Terminus) and `/metrics` (Prometheus text) of the demo gateway. */
// The demo's own routes are not part of the relay's API document.
@ApiExcludeController()
@Controller()
export class DemoOpsController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly assist: AssistHealthIndicator,
    @Inject(Registry) private readonly registry: Registry,
  ) {}

  /** 200 while the relay can serve; 503 when its Redis is configured and down. WeChat's breaker is reported, not judged. */
  @Get('health')
  @HealthCheck()
  check() {
    return this.health.check([() => this.assist.isHealthy('unipayAssist')]);
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
