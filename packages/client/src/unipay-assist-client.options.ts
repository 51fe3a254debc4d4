import { SignType } from '@unipay-assist/wire';

export interface UnipayAssistClientOptions {
  /** The gateway's origin, e.g. `https://pay.example.com` (no route prefix). */
  baseUrl: string;
  /** DaxPay merchant number; omitted, the gateway's default merchant answers. */
  mchNo?: string;
  /** DaxPay 3.x merchant application id. */
  appId?: string;
  /** Default HMAC_SHA256. */
  signType?: SignType;
  /**
   * The merchant's sign secret: signs requests, verifies answers. Never sent.
   * During a rotation give several: the first signs, any verifies an answer
   * (the gateway signs answers with its first configured secret).
   */
  signSecret: string | readonly string[];
  /** Per call, in ms. Default 10000. */
  timeoutMs?: number;
  /** The gateway's route prefix. Default `unipay/assist`. */
  routePrefix?: string;
  /** Sent as `clientIp` when set (the end user's IP, as DaxPay clients send it). */
  clientIp?: string;
  /** Replaces the global fetch (tests, proxies). */
  fetch?: typeof fetch;
}

export interface CallOptions {
  /** Aborts the call (in addition to the timeout). */
  signal?: AbortSignal;
  /**
   * Sees the signed body just before it is sent, e.g. to display it. The body
   * holds the OAuth code for getWxAccessToken: do not log it in clear.
   */
  onRequest?: (route: string, body: Readonly<Record<string, unknown>>) => void;
}

export type WxScope = 'snsapi_base' | 'snsapi_userinfo';

export interface WxAuthUrlParams {
  /** Where WeChat sends the user back with `code` and `state`. */
  url: string;
  state?: string;
  scope?: WxScope;
}

export interface WxAccessTokenParams {
  /** The `code` WeChat appended to the redirect URL. */
  code: string;
}

/** What every verified answer carries besides its business fields. */
export interface VerifiedAnswer {
  /** The server's trace id for this request (quote it in support requests). */
  traceId: string;
  /** Server time of the answer, in seconds. */
  resTime: number;
  /** The answer's sign, verified with the merchant's secret. */
  sign: string;
}

export interface WxAuthUrlResult extends VerifiedAnswer {
  url: string;
}

export interface WxAccessTokenResult extends VerifiedAnswer {
  openId: string;
  /** The user's web access token: treat it as a secret. */
  accessToken: string;
}

export type AlipayScope = 'auth_base' | 'auth_user';

export interface AlipayAuthUrlParams {
  /** Where Alipay sends the payer back with `auth_code` and `state`. */
  url: string;
  /** At most 100 printable ASCII characters (Alipay's limit). */
  state?: string;
  scope?: AlipayScope;
}

export interface AlipayUserIdParams {
  /** The `auth_code` Alipay appended to the redirect URL. */
  authCode: string;
}

export interface WxMiniOpenIdParams {
  /** The code the mini program got from `wx.login`. */
  code: string;
}

export interface AlipayAuthUrlResult extends VerifiedAnswer {
  url: string;
}

/** The ids the merchant's Alipay app has: `userId`, `openId`, or both (at least one). */
export interface AlipayUserIdResult extends VerifiedAnswer {
  userId?: string;
  openId?: string;
}

export interface WxMiniOpenIdResult extends VerifiedAnswer {
  openId: string;
}
