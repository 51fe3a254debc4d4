/** The host's WeChat app and merchant secret (test values), shared by the app and its e2e. */
export const WECHAT_APP = { appId: 'wx0host0nest12esm01', appSecret: 'host12-app-secret' };
export const SIGN_SECRET = 'host12-sign-secret';
/** The merchant's Alipay app: its keys are made by the Alipay simulator at start and handed over as files. */
export const ALIPAY_APP_ID = '2021000000001201';
/** The merchant's WeChat mini program (jscode2session on the WeChat simulator's host). */
export const MINI_PROGRAM = { appId: 'wx0host0nest12mini1', appSecret: 'host12-mini-secret' };

/** Where the host's upstreams are and where its Alipay key files lie, from its environment. */
export interface HostUpstreams {
  wechatBase: string;
  alipayBase: string;
  alipayPrivateKeyFile: string;
  alipayPublicKeyFile: string;
}
