import { Inject } from '@nestjs/common';
import { envInteger, envString, optionalHttpUrl, optionalInteger } from '../kernel/option-checks';

export const DEFAULT_DOUYIN_API_BASE = 'https://open.douyin.com';
export const DEFAULT_DOUYIN_AUTH_BASE = 'https://aweme.snssdk.com';
export const DEFAULT_DOUYIN_TIMEOUT_MS = 5000;

export interface DouyinOptions {
  /** Base of `oauth/access_token/`. Default Douyin's open API host. */
  apiBase?: string;
  /** Base of `passport/open/silent_auth/` (the in-app silent authorization). Default Douyin's. */
  authBase?: string;
  /** Timeout of one call to Douyin in ms. Default 5000. */
  timeoutMs?: number;
}

export type ResolvedDouyinOptions = Readonly<Required<DouyinOptions>>;

export const DOUYIN_OPTIONS = Symbol('UnipayAssistDouyinOptions');
export const InjectDouyinOptions = (): ParameterDecorator => Inject(DOUYIN_OPTIONS);

export function resolveDouyinOptions(options: DouyinOptions | undefined): ResolvedDouyinOptions {
  const o = options ?? {};
  return {
    apiBase: optionalHttpUrl(o.apiBase, 'douyin.apiBase') ?? DEFAULT_DOUYIN_API_BASE,
    authBase: optionalHttpUrl(o.authBase, 'douyin.authBase') ?? DEFAULT_DOUYIN_AUTH_BASE,
    timeoutMs: optionalInteger(o.timeoutMs, 'douyin.timeoutMs', { max: 60_000 }) ?? DEFAULT_DOUYIN_TIMEOUT_MS,
  };
}

/** DOUYIN_API_BASE, DOUYIN_AUTH_BASE, DOUYIN_TIMEOUT_MS. */
export function douyinOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): DouyinOptions {
  return {
    apiBase: optionalHttpUrl(envString(env, 'DOUYIN_API_BASE'), 'DOUYIN_API_BASE'),
    authBase: optionalHttpUrl(envString(env, 'DOUYIN_AUTH_BASE'), 'DOUYIN_AUTH_BASE'),
    timeoutMs: envInteger(env, 'DOUYIN_TIMEOUT_MS', { max: 60_000 }),
  };
}
