import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { assistConfig } from 'unipay-assist';
import { AssistModule } from 'unipay-assist';
import { AssistModuleOptions } from 'unipay-assist';
import { MerchantInput } from 'unipay-assist';
import { DEMO_ALIPAY_APP_ID, DEMO_MERCHANT, DEMO_MULTI_LATE_MERCHANT } from './demo-merchant';
import { DEMO_COMPONENT_MERCHANT, DEMO_MODES_OPTIONS, DEMO_SP_MERCHANT } from './demo-wechat-modes';
import { DEMO_OPEN_MERCHANT } from './demo-open';
import { DemoPageController } from './demo-page.controller';
import { DemoHostedController } from './demo-hosted.controller';
import { PrometheusAssistMetrics } from 'unipay-assist/metrics';
import { DemoOpsModule } from './demo-ops.module';
import { DEMO_SIMULATORS, DemoSimulators } from './demo-simulators';

export interface DemoModuleOptions {
  /** Where WeChat is: the embedded simulator's URL, or undefined for the configured/real one. */
  wechatBase?: string;
  /**
   * The embedded Alipay simulator: its gateway and authorize base, and the
   * keys it made for the demo merchant's app (in memory only, never logged).
   */
  alipay?: { gateway: string; openAuthBase: string; appPrivateKey: string; alipayPublicKey: string };
  /**
   * The embedded simulator serves the demo's service-provider app and
   * third-party platform: the demo's own merchants gain one merchant of
   * each mode (docs/channels.md). Ignored when merchants come from the environment.
   */
  wechatModes?: boolean;
  /** The DaxPay Open demo merchant's public key and the platform's private key, made at start (npm start). */
  open?: { merchantPublicKey: string; platformPrivateKey: string };
  /** Options layered over the environment's (tests use this). */
  override?: Partial<AssistModuleOptions>;
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
      controllers: [DemoPageController, DemoHostedController],
      // The demo page's mini-program step asks the embedded simulator for a wx.login code.
      providers: [{ provide: DEMO_SIMULATORS, useValue: { wechatBase: demo.wechatBase } satisfies DemoSimulators }],
      imports: [
        ConfigModule.forRoot({ ignoreEnvFile: true, load: [assistConfig] }),
        ops,
        AssistModule.forRootAsync({
          imports: [ConfigModule, ops],
          inject: [ConfigService, PrometheusAssistMetrics],
          useFactory: (config: ConfigService, metrics: PrometheusAssistMetrics): AssistModuleOptions => {
            const fromEnv = config.getOrThrow<AssistModuleOptions>('unipayAssist');
            const ownMerchants = !fromEnv.merchants?.length;
            const merchants = ownMerchants ? demoMerchants(demo) : fromEnv.merchants;
            const modes = ownMerchants && demo.wechatModes ? DEMO_MODES_OPTIONS : {};
            // The platform key made at start, unless one is configured (ASSIST_PLATFORM_PRIVATE_KEY(_FILE)).
            const platformKey =
              fromEnv.platformKey ?? (demo.open ? { privateKey: demo.open.platformPrivateKey } : undefined);
            const wechat = demo.wechatBase
              ? { ...fromEnv.wechat, apiBase: demo.wechatBase, openBase: demo.wechatBase }
              : fromEnv.wechat;
            const alipay = demo.alipay
              ? { ...fromEnv.alipay, gateway: demo.alipay.gateway, openAuthBase: demo.alipay.openAuthBase }
              : fromEnv.alipay;
            return {
              ...fromEnv,
              ...modes,
              merchants,
              wechat,
              alipay,
              metrics,
              ...(platformKey && { platformKey }),
              ...demo.override,
            };
          },
        }),
      ],
    };
  }
}

/** The demo merchant (the default one), the late multi-line one, and the DaxPay Open demo merchant when its keys were made. */
function demoMerchants(demo: DemoModuleOptions): MerchantInput[] {
  const merchants = [demoMerchant(demo), DEMO_MULTI_LATE_MERCHANT];
  if (demo.open) merchants.push({ ...DEMO_OPEN_MERCHANT, signPublicKey: demo.open.merchantPublicKey });
  // The service-provider and third-party-platform merchants, served by the embedded simulator.
  if (demo.wechatModes) merchants.push(DEMO_SP_MERCHANT, DEMO_COMPONENT_MERCHANT);
  return merchants;
}

/** The demo merchant, with the Alipay app when the Alipay simulator handed over its keys. */
function demoMerchant(demo: DemoModuleOptions): MerchantInput {
  if (!demo.alipay) return DEMO_MERCHANT;
  const { appPrivateKey, alipayPublicKey } = demo.alipay;
  return { ...DEMO_MERCHANT, alipay: { appId: DEMO_ALIPAY_APP_ID, appPrivateKey, alipayPublicKey } };
}
