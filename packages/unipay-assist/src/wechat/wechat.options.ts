import { Inject } from '@nestjs/common';
import { envInteger, envString, optionalHttpUrl, optionalInteger } from '../kernel/option-checks';

export const DEFAULT_WECHAT_API_BASE = 'https://api.weixin.qq.com';
export const DEFAULT_WECHAT_OPEN_BASE = 'https://open.weixin.qq.com';
export const DEFAULT_WECHAT_TIMEOUT_MS = 5000;

export interface WechatOptions {
  /** Base of `sns/oauth2/access_token`. Default WeChat's API host. */
  apiBase?: string;
  /** Base of `connect/oauth2/authorize`. Default WeChat's open host. */
  openBase?: string;
  /** Timeout of one call to WeChat in ms. Default 5000. */
  timeoutMs?: number;
}

export type ResolvedWechatOptions = Readonly<Required<WechatOptions>>;

/** The WeChat feature's own options (resolved and validated at start). */
export const WECHAT_OPTIONS = Symbol('UnipayAssistWechatOptions');
export const InjectWechatOptions = (): ParameterDecorator => Inject(WECHAT_OPTIONS);

/** Defaults applied, every value checked; errors name the option (`wechat.timeoutMs`). */
export function resolveWechatOptions(options: WechatOptions | undefined): ResolvedWechatOptions {
  const o = options ?? {};
  return {
    apiBase: optionalHttpUrl(o.apiBase, 'wechat.apiBase') ?? DEFAULT_WECHAT_API_BASE,
    openBase: optionalHttpUrl(o.openBase, 'wechat.openBase') ?? DEFAULT_WECHAT_OPEN_BASE,
    timeoutMs: optionalInteger(o.timeoutMs, 'wechat.timeoutMs', { max: 60_000 }) ?? DEFAULT_WECHAT_TIMEOUT_MS,
  };
}

/** WECHAT_API_BASE, WECHAT_OPEN_BASE, WECHAT_TIMEOUT_MS; a malformed value fails naming the variable. */
export function wechatOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): WechatOptions {
  return {
    apiBase: optionalHttpUrl(envString(env, 'WECHAT_API_BASE'), 'WECHAT_API_BASE'),
    openBase: optionalHttpUrl(envString(env, 'WECHAT_OPEN_BASE'), 'WECHAT_OPEN_BASE'),
    timeoutMs: envInteger(env, 'WECHAT_TIMEOUT_MS', { max: 60_000 }),
  };
}
