import { Inject } from '@nestjs/common';
import { AssistConfigError } from '../kernel/assist-config.error';
import { envString } from '../kernel/option-checks';

/**
 * The gateway's own WeChat official-account app as a WeChat Pay service
 * provider (服务商): merchants configured `wechat: { serviceProvider: true }`
 * get openIds under it, and pay with `payer.sp_openid` and this appid.
 */
export interface WechatServiceProviderOptions {
  appId: string;
  /** A secret: never logged, never returned. */
  appSecret: string;
}

export type ResolvedWechatServiceProvider = Readonly<WechatServiceProviderOptions>;

export const WECHAT_SERVICE_PROVIDER = Symbol('UnipayAssistWechatServiceProvider');
export const InjectWechatServiceProvider = (): ParameterDecorator => Inject(WECHAT_SERVICE_PROVIDER);

const APP_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Checked at start; null when not configured. Errors name the field, never the secret. */
export function resolveWechatServiceProvider(
  options: WechatServiceProviderOptions | undefined,
): ResolvedWechatServiceProvider | null {
  if (options === undefined) return null;
  if (typeof options !== 'object' || options === null)
    throw new AssistConfigError('wechatServiceProvider', 'must be an object with appId and appSecret');
  if (typeof options.appId !== 'string' || !APP_ID.test(options.appId)) {
    throw new AssistConfigError('wechatServiceProvider.appId', 'must be a WeChat app id (letters, digits, _ or -)');
  }
  if (typeof options.appSecret !== 'string' || options.appSecret.trim() === '') {
    throw new AssistConfigError('wechatServiceProvider.appSecret', 'is missing or empty');
  }
  return Object.freeze({ appId: options.appId, appSecret: options.appSecret });
}

/** ASSIST_WX_SP_APP_ID and ASSIST_WX_SP_APP_SECRET: both or neither (one alone fails at start naming the other). */
export function wechatServiceProviderFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): WechatServiceProviderOptions | undefined {
  const appId = envString(env, 'ASSIST_WX_SP_APP_ID');
  const appSecret = envString(env, 'ASSIST_WX_SP_APP_SECRET');
  if (appId === undefined && appSecret === undefined) return undefined;
  if (appId === undefined)
    throw new AssistConfigError('ASSIST_WX_SP_APP_ID', 'is missing (ASSIST_WX_SP_APP_SECRET is set)');
  if (appSecret === undefined)
    throw new AssistConfigError('ASSIST_WX_SP_APP_SECRET', 'is missing (ASSIST_WX_SP_APP_ID is set)');
  return { appId, appSecret };
}
