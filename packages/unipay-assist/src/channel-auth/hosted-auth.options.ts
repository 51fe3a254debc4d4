import { Inject } from '@nestjs/common';
import { AssistConfigError } from '../kernel/assist-config.error';
import { envString, optionalHttpUrl } from '../kernel/option-checks';
import { isRecord } from '@unipay-assist/wire';

/** The gateway hosts WeChat's OAuth callback (QR scan and redirect-back flows). */
export interface HostedAuthOptions {
  /**
   * Where payers' browsers reach this gateway, up to the module's route
   * prefix: `https://pay.example.com`, or `https://pay.example.com/api` when
   * a proxy path or the host's global prefix sits in front. WeChat redirects
   * to `<publicBaseUrl>/<routePrefix>/channel/auth/callback/wechat`, so its
   * host must be the WeChat app's authorised web-page domain (网页授权域名).
   */
  publicBaseUrl: string;
}

export interface ResolvedHostedAuthOptions {
  /** Without a trailing slash. */
  readonly publicBaseUrl: string;
}

/** The hosted-auth feature's own options: null when hosted authorization is off. */
export const HOSTED_AUTH_OPTIONS = Symbol('UnipayAssistHostedAuthOptions');
export const InjectHostedAuthOptions = (): ParameterDecorator => Inject(HOSTED_AUTH_OPTIONS);

/** Validated at start; errors name the option (`hostedAuth.publicBaseUrl`). */
export function resolveHostedAuthOptions(options: unknown): ResolvedHostedAuthOptions | null {
  if (options === undefined || options === null) return null;
  if (!isRecord(options)) throw new AssistConfigError('hostedAuth', 'must be an object with publicBaseUrl');
  const base = optionalHttpUrl(options.publicBaseUrl, 'hostedAuth.publicBaseUrl');
  if (base === undefined)
    throw new AssistConfigError('hostedAuth.publicBaseUrl', 'is required when hostedAuth is given');
  const url = new URL(base);
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new AssistConfigError(
      'hostedAuth.publicBaseUrl',
      'must be a plain base URL, without query, fragment or user information',
    );
  }
  return { publicBaseUrl: base };
}

/** ASSIST_PUBLIC_BASE_URL: set, hosted authorization is on. */
export function hostedAuthOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): HostedAuthOptions | undefined {
  const publicBaseUrl = envString(env, 'ASSIST_PUBLIC_BASE_URL');
  if (publicBaseUrl === undefined) return undefined;
  // Checked here too, so the error names the variable rather than the option.
  optionalHttpUrl(publicBaseUrl, 'ASSIST_PUBLIC_BASE_URL');
  return { publicBaseUrl };
}
