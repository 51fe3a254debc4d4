import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { assistConfig } from '../relay/assist.config';
import { AssistModule } from '../relay/assist.module';
import { AssistModuleOptions } from '../relay/assist.options';
import { DEMO_MERCHANT } from './demo-merchant';
import { DemoPageController } from './demo-page.controller';

export interface DemoModuleOptions {
  /** Where WeChat is: the embedded simulator's URL, or undefined for the configured/real one. */
  wechatBase?: string;
  /** Options layered over the environment's (tests use this). */
  override?: Partial<AssistModuleOptions>;
}

/** The demo gateway's root module: mounts AssistModule the way a host would. */
@Module({})
export class DemoModule {
  static register(demo: DemoModuleOptions = {}): DynamicModule {
    return {
      module: DemoModule,
      // The demo page at `/`: part of the demo server only, never of AssistModule.
      controllers: [DemoPageController],
      imports: [
        ConfigModule.forRoot({ ignoreEnvFile: true, load: [assistConfig] }),
        AssistModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService): AssistModuleOptions => {
            const fromEnv = config.getOrThrow<AssistModuleOptions>('unipayAssist');
            const merchants = fromEnv.merchants?.length ? fromEnv.merchants : [DEMO_MERCHANT];
            const wechat = demo.wechatBase
              ? { ...fromEnv.wechat, apiBase: demo.wechatBase, openBase: demo.wechatBase }
              : fromEnv.wechat;
            return { ...fromEnv, merchants, wechat, ...demo.override };
          },
        }),
      ],
    };
  }
}
