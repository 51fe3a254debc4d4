/*
 * What the gateway process and its e2e share: the merchant's WeChat app and
 * secret (test values) and the knobs of a gateway process. Plain values, no
 * NestJS: the e2e imports this file.
 */

export const WECHAT_APP = { appId: 'wx0gateway0nest12e', appSecret: 'gateway12-app-secret' };
export const MCH_NO = 'G1200000001';
export const SIGN_SECRET = 'gateway12-sign-secret';
export const REDIRECT_HOST = 'shop.example.com';

export type AdapterName = 'express' | 'fastify';
/** Where the gateway's catch-all is registered. */
export type FilterMode = 'APP_FILTER' | 'useGlobalFilters';
/** The same gateway without the module, with it mounted, or the module alone in a bare app (the wire's reference). */
export type RelayMode = 'none' | 'mounted' | 'bare';

/** The process's environment: GATEWAY_ADAPTER, GATEWAY_FILTER, GATEWAY_RELAY, WECHAT_BASE. */
export interface GatewayEnv {
  GATEWAY_ADAPTER: AdapterName;
  GATEWAY_FILTER: FilterMode;
  GATEWAY_RELAY: RelayMode;
  WECHAT_BASE: string;
}

/** The one line the process prints on stdout once it listens. */
export interface GatewayReady {
  listening: string;
  /** What `import 'unipay-assist'` resolved to in the process. */
  assist: string;
  /** The HTTP adapter's own name (`getType()`). */
  adapter: string;
}
