/** A DaxPay Open merchant's view of a unipay assist gateway (or of DaxPay Open itself). */
export interface DaxPayOpenClientOptions {
  /** The gateway's base URL, up to DaxPay Open's paths: `https://pay.example.com`. */
  baseUrl: string;
  mchNo: string;
  appId?: string;
  /** The merchant's RSA private key (PKCS#8 PEM, or bare base64): signs every request. */
  privateKey: string;
  /** The platform's RSA public key (SPKI PEM, or bare base64): verifies every answer and get-openid return. */
  platformPublicKey: string;
  /** A prefix the gateway mounts DaxPay Open's paths under (its `openRoutePrefix`). Default none. */
  routePrefix?: string;
  /** Default 10 000 ms. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** What every verified answer carries besides its data. */
export interface OpenAnswerMeta {
  reqId: string;
  resTime?: string;
}

export interface OpenPingResult extends OpenAnswerMeta {
  mchNo: string;
  appId?: string;
  appFromDefault: boolean;
  /** The gateway's sign string of this request: compare with the client's own to find a signing mistake. */
  serverSignStr: string;
}

export interface OpenAuthUrlParams {
  /** `wechat` or `alipay`. */
  channel: string;
  /** Default: the same as channel (DaxPay Open's server defaults it to wechat, and signs that default). */
  authType?: string;
  returnPath?: string;
}

export interface OpenAuthUrlResult extends OpenAnswerMeta {
  authUrl: string;
  queryCode: string;
  authToken: string;
}

export interface OpenAuthParams {
  channel: string;
  authCode?: string;
  authToken?: string;
  queryCode?: string;
}

export interface OpenAuthResult extends OpenAnswerMeta {
  status: 'waiting' | 'success' | 'fail' | 'not_exist';
  openId?: string;
  userId?: string;
  returnPath?: string;
}

export interface OpenIdLinkParams {
  /** `wechat` or `alipay`. */
  authType: string;
  /** The merchant's WeChat app (required for wechat). */
  wxAppId?: string;
  /** Where the payer comes back with `code`, `msg`, `openid` and the platform's `sign`. */
  redirectUrl: string;
}
