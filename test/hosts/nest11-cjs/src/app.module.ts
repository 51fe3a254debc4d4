import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { AssistModule, AssistModuleOptions, MerchantInput } from 'unipay-assist';
import { PrometheusAssistMetrics } from 'unipay-assist/metrics';
import { OpsModule } from './ops.module';

export const WECHAT_APP = { appId: 'wx0host0nest11cjs01', appSecret: 'host11-app-secret' };
export const SIGN_SECRET = 'host11-sign-secret';

const merchant: MerchantInput = {
  mchNo: 'M1100000001',
  wechat: WECHAT_APP,
  signType: 'MD5',
  signSecret: SIGN_SECRET,
  redirectHosts: ['shop.example.com'],
};

/** A host gateway's root module, configured the usual Nest way through ConfigService. */
@Module({})
export class AppModule {
  static register(wechatBase: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ payments: { wechatBase, merchants: [merchant] } })] }),
        OpsModule,
        AssistModule.forRootAsync({
          imports: [ConfigModule, OpsModule],
          inject: [ConfigService, PrometheusAssistMetrics],
          useFactory: (config: ConfigService, metrics: PrometheusAssistMetrics): AssistModuleOptions => ({
            metrics,
            merchants: config.getOrThrow<MerchantInput[]>('payments.merchants'),
            wechat: {
              apiBase: config.getOrThrow<string>('payments.wechatBase'),
              openBase: config.getOrThrow<string>('payments.wechatBase'),
            },
          }),
        }),
      ],
    };
  }
}
