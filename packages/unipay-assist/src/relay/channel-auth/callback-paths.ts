/**
 * The hosted flows' browser routes, below the module's route prefix. Each
 * callback path is its channel's redirect_uri, registered on the channel's
 * app: changing one breaks every app that registered it.
 */

/** The module's browser routes (jump and the callbacks) live below this path: the binding cookie's Path. */
export const CHANNEL_AUTH_ROUTES = 'channel/auth';

/** The path of the gateway's own WeChat callback, below the module's prefix. */
export const WECHAT_CALLBACK_PATH = 'channel/auth/callback/wechat';

/** The path of the gateway's own Alipay callback (Alipay's redirect_uri), below the module's prefix. */
export const ALIPAY_CALLBACK_PATH = 'channel/auth/callback/alipay';

/** The gateway's Douyin callback: the redirect_uri to register on the Douyin app (Douyin takes no query in it). */
export const DOUYIN_CALLBACK_PATH = 'channel/auth/callback/douyin';
