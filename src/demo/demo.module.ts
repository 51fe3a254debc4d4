import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { assistConfig } from '../module/assist.config';
import { AssistModule } from '../module/assist.module';
import { AssistModuleOptions } from '../module/assist.options';
import { DEMO_MERCHANT } from './demo-merchant';
import { DemoPageController } from './demo-page.controller';
import { PrometheusAssistMetrics } from '../metrics/prometheus-assist.metrics';
import { DemoOpsModule } from './demo-ops.module';
import { demoLoggerModule } from './demo-logging';

export interface DemoModuleOptions {
  /** Where WeChat is: the embedded simulator's URL, or undefined for the configured/real one. */
  wechatBase?: string;
  /** Options layered over the environment's (tests use this). */
  override?: Partial<AssistModuleOptions>;
  /** JSON logs through nestjs-pino (npm start); tests keep Nest's logger. */
  structuredLogs?: boolean;
  /** Node process metrics (CPU, memory, event loop, GC) at /metrics (npm start). Each set samples the event loop, so tests leave them off. */
  processMetrics?: boolean;
}

/** The demo gateway's root module: mounts AssistModule the way a host would. */
@Module({})
export class DemoModule {
  static register(demo: DemoModuleOptions = {}): DynamicModule {
    // /health and /metrics; its registry collects the relay's metrics (options.metrics).
    const ops = DemoOpsModule.register({ defaultMetrics: demo.processMetrics ?? false });
    return {
      module: DemoModule,
      // The demo page at `/`: part of the demo server only, never of AssistModule.
      controllers: [DemoPageController],
      imports: [
        ConfigModule.forRoot({ ignoreEnvFile: true, load: [assistConfig] }),
        ...(demo.structuredLogs ? [demoLoggerModule()] : []),
        ops,
        AssistModule.forRootAsync({
          imports: [ConfigModule, ops],
          inject: [ConfigService, PrometheusAssistMetrics],
          useFactory: (config: ConfigService, metrics: PrometheusAssistMetrics): AssistModuleOptions => {
            const fromEnv = config.getOrThrow<AssistModuleOptions>('unipayAssist');
            const merchants = fromEnv.merchants?.length ? fromEnv.merchants : [DEMO_MERCHANT];
            const wechat = demo.wechatBase
              ? { ...fromEnv.wechat, apiBase: demo.wechatBase, openBase: demo.wechatBase }
              : fromEnv.wechat;
            return { ...fromEnv, merchants, wechat, metrics, ...demo.override };
          },
        }),
      ],
    };
  }
}
