import { Inject } from '@nestjs/common';
import { envInteger, envString, optionalHttpUrl, optionalInteger } from '../kernel/option-checks';
import { DEFAULT_ALIPAY_OPENAUTH_BASE } from './alipay-authorize-url';
import { DEFAULT_ALIPAY_GATEWAY, DEFAULT_ALIPAY_TIMEOUT_MS } from './alipay-oauth.client';

export interface AlipayOptions {
  /** Full URL of Alipay's `gateway.do` (`alipay.system.oauth.token`). Default Alipay's real gateway. */
  gateway?: string;
  /** Base of `oauth2/publicAppAuthorize.htm`. Default Alipay's openauth host. */
  openAuthBase?: string;
  /** Timeout of one call to Alipay in ms. Default 5000. */
  timeoutMs?: number;
}

export type ResolvedAlipayOptions = Readonly<Required<AlipayOptions>>;

/** The Alipay feature's own options (resolved and validated at start). */
export const ALIPAY_OPTIONS = Symbol('UnipayAssistAlipayOptions');
export const InjectAlipayOptions = (): ParameterDecorator => Inject(ALIPAY_OPTIONS);

/** Defaults applied, every value checked; errors name the option (`alipay.timeoutMs`). */
export function resolveAlipayOptions(options: AlipayOptions | undefined): ResolvedAlipayOptions {
  const o = options ?? {};
  return {
    gateway: optionalHttpUrl(o.gateway, 'alipay.gateway') ?? DEFAULT_ALIPAY_GATEWAY,
    openAuthBase: optionalHttpUrl(o.openAuthBase, 'alipay.openAuthBase') ?? DEFAULT_ALIPAY_OPENAUTH_BASE,
    timeoutMs: optionalInteger(o.timeoutMs, 'alipay.timeoutMs', { max: 60_000 }) ?? DEFAULT_ALIPAY_TIMEOUT_MS,
  };
}

/** ALIPAY_GATEWAY, ALIPAY_OPENAUTH_BASE, ALIPAY_TIMEOUT_MS; a malformed value fails naming the variable. */
export function alipayOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): AlipayOptions {
  return {
    gateway: optionalHttpUrl(envString(env, 'ALIPAY_GATEWAY'), 'ALIPAY_GATEWAY'),
    openAuthBase: optionalHttpUrl(envString(env, 'ALIPAY_OPENAUTH_BASE'), 'ALIPAY_OPENAUTH_BASE'),
    timeoutMs: envInteger(env, 'ALIPAY_TIMEOUT_MS', { max: 60_000 }),
  };
}
