import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { AssistModule, AssistModuleOptions, MerchantInput } from 'unipay-assist';
import { PrometheusAssistMetrics } from 'unipay-assist/metrics';
import { OpsModule } from './ops.module.js';

import { ALIPAY_APP_ID, HostUpstreams, MINI_PROGRAM, SIGN_SECRET, WECHAT_APP } from './host-settings.js';

function merchantOf(upstreams: HostUpstreams): MerchantInput {
  return {
    mchNo: 'M1200000001',
    wechat: WECHAT_APP,
    // Key files, as a host keeps them in production: read and checked at start.
    alipay: {
      appId: ALIPAY_APP_ID,
      appPrivateKeyFile: upstreams.alipayPrivateKeyFile,
      alipayPublicKeyFile: upstreams.alipayPublicKeyFile,
    },
    miniProgram: MINI_PROGRAM,
    signType: 'MD5',
    signSecret: SIGN_SECRET,
    redirectHosts: ['shop.example.com'],
  };
}

/** A host gateway's root module, configured the usual Nest way through ConfigService. */
@Module({})
export class AppModule {
  static register(upstreams: HostUpstreams): DynamicModule {
    const payments = {
      wechatBase: upstreams.wechatBase,
      alipayBase: upstreams.alipayBase,
      merchants: [merchantOf(upstreams)],
    };
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ payments })] }),
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
            alipay: {
              gateway: `${config.getOrThrow<string>('payments.alipayBase')}/gateway.do`,
              openAuthBase: config.getOrThrow<string>('payments.alipayBase'),
            },
          }),
        }),
      ],
    };
  }
}
