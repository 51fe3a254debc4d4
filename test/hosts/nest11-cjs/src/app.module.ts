import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { AssistModule, AssistModuleOptions, MerchantInput } from 'unipay-assist';
import { PrometheusAssistMetrics } from 'unipay-assist/metrics';
import { OpsModule } from './ops.module';

export const WECHAT_APP = { appId: 'wx0host0nest11cjs01', appSecret: 'host11-app-secret' };
export const SIGN_SECRET = 'host11-sign-secret';
/** The merchant's Alipay app: its keys are made by the Alipay simulator at start and handed over as files. */
export const ALIPAY_APP_ID = '2021000000001101';
/** The merchant's WeChat mini program (jscode2session on the WeChat simulator's host). */
export const MINI_PROGRAM = { appId: 'wx0host0nest11mini1', appSecret: 'host11-mini-secret' };

/** Where the host's upstreams are and where its Alipay key files lie. */
export interface HostUpstreams {
  wechatBase: string;
  alipayBase: string;
  alipayPrivateKeyFile: string;
  alipayPublicKeyFile: string;
}

function merchantOf(upstreams: HostUpstreams): MerchantInput {
  return {
    mchNo: 'M1100000001',
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
