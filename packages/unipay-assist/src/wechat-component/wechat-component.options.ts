import { Inject } from '@nestjs/common';
import { AssistConfigError } from '../kernel/assist-config.error';
import { envString, optionalInteger } from '../kernel/option-checks';

/**
 * The gateway's WeChat third-party platform (第三方平台, "component"):
 * merchants configured `wechat: { appId, viaComponent: true }` have
 * authorized it to run OAuth for their official account, and never hand
 * over their AppSecret. docs/channels.md.
 */
export interface WechatComponentOptions {
  /** The platform's own appid (component_appid). */
  appId: string;
  /** The platform's AppSecret (component_appsecret). A secret. */
  appSecret: string;
  /** The message-check Token set on the platform: signs every push. A secret. */
  token: string;
  /** The 43-character message key (EncodingAESKey) set on the platform. A secret. */
  encodingAesKey: string;
  /** Refresh the component_access_token this long before WeChat says it lapses. Default 10 minutes. */
  tokenMarginMs?: number;
  /** A push whose timestamp lies further than this from the server clock is refused. Default 5 minutes. */
  pushWindowMs?: number;
}

export type ResolvedWechatComponent = Readonly<Required<WechatComponentOptions>>;

export const DEFAULT_COMPONENT_TOKEN_MARGIN_MS = 10 * 60_000;
export const DEFAULT_COMPONENT_PUSH_WINDOW_MS = 5 * 60_000;

export const WECHAT_COMPONENT = Symbol('UnipayAssistWechatComponent');
export const InjectWechatComponent = (): ParameterDecorator => Inject(WECHAT_COMPONENT);

const APP_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Checked at start; null when not configured. Errors name the field, never a value. */
export function resolveWechatComponent(options: WechatComponentOptions | undefined): ResolvedWechatComponent | null {
  if (options === undefined) return null;
  if (typeof options !== 'object' || options === null) {
    throw new AssistConfigError('wechatComponent', 'must be an object with appId, appSecret, token and encodingAesKey');
  }
  const o = options;
  if (typeof o.appId !== 'string' || !APP_ID.test(o.appId))
    throw new AssistConfigError('wechatComponent.appId', 'must be a WeChat app id (letters, digits, _ or -)');
  if (typeof o.appSecret !== 'string' || o.appSecret.trim() === '')
    throw new AssistConfigError('wechatComponent.appSecret', 'is missing or empty');
  // WeChat's rule for the Token: 3 to 32 letters and digits.
  if (typeof o.token !== 'string' || !/^[A-Za-z0-9]{3,32}$/.test(o.token))
    throw new AssistConfigError('wechatComponent.token', 'must be 3 to 32 letters or digits');
  if (typeof o.encodingAesKey !== 'string' || !isEncodingAesKey(o.encodingAesKey)) {
    throw new AssistConfigError(
      'wechatComponent.encodingAesKey',
      'must be the 43-character EncodingAESKey (letters and digits) set on the platform',
    );
  }
  return Object.freeze({
    appId: o.appId,
    appSecret: o.appSecret,
    token: o.token,
    encodingAesKey: o.encodingAesKey,
    tokenMarginMs:
      optionalInteger(o.tokenMarginMs, 'wechatComponent.tokenMarginMs', { zeroOk: true, max: 60 * 60_000 }) ??
      DEFAULT_COMPONENT_TOKEN_MARGIN_MS,
    pushWindowMs:
      optionalInteger(o.pushWindowMs, 'wechatComponent.pushWindowMs', { max: 60 * 60_000 }) ??
      DEFAULT_COMPONENT_PUSH_WINDOW_MS,
  });
}

/** 43 base64 characters decoding (with the `=` WeChat leaves off) to a 32-byte AES key. */
function isEncodingAesKey(value: string): boolean {
  return /^[A-Za-z0-9+/]{43}$/.test(value) && Buffer.from(`${value}=`, 'base64').length === 32;
}

const ENV_NAMES = [
  'ASSIST_WX_COMPONENT_APP_ID',
  'ASSIST_WX_COMPONENT_APP_SECRET',
  'ASSIST_WX_COMPONENT_TOKEN',
  'ASSIST_WX_COMPONENT_ENCODING_AES_KEY',
] as const;

/** ASSIST_WX_COMPONENT_APP_ID / _APP_SECRET / _TOKEN / _ENCODING_AES_KEY: all four or none. */
export function wechatComponentFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): WechatComponentOptions | undefined {
  const values = ENV_NAMES.map((name) => envString(env, name));
  if (values.every((v) => v === undefined)) return undefined;
  const missing = ENV_NAMES.find((_name, i) => values[i] === undefined);
  if (missing) throw new AssistConfigError(missing, 'is missing (the other ASSIST_WX_COMPONENT_* variables are set)');
  const [appId, appSecret, token, encodingAesKey] = values as string[];
  return { appId, appSecret, token, encodingAesKey };
}
