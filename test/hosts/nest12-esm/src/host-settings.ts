/** The host's WeChat app and merchant secret (test values), shared by the app and its e2e. */
export const WECHAT_APP = { appId: 'wx0host0nest12esm01', appSecret: 'host12-app-secret' };
export const SIGN_SECRET = 'host12-sign-secret';
