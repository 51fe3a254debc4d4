export type WechatScope = 'snsapi_base' | 'snsapi_userinfo';

/**
 * WeChat's authorize URL. WeChat rejects the page when the parameters are not
 * in exactly this order, and needs the `#wechat_redirect` fragment.
 */
export function buildAuthorizeUrl(
  openBase: string,
  params: { appId: string; redirectUri: string; scope?: WechatScope; state?: string; componentAppId?: string },
): string {
  const base = openBase.replace(/\/+$/, '');
  return (
    `${base}/connect/oauth2/authorize` +
    `?appid=${encodeURIComponent(params.appId)}` +
    `&redirect_uri=${encodeURIComponent(params.redirectUri)}` +
    `&response_type=code` +
    `&scope=${params.scope ?? 'snsapi_base'}` +
    `&state=${encodeURIComponent(params.state ?? '')}` +
    // A third-party platform authorizing for the official account: its own appid, after state (WeChat's documented order).
    (params.componentAppId !== undefined ? `&component_appid=${encodeURIComponent(params.componentAppId)}` : '') +
    `#wechat_redirect`
  );
}
