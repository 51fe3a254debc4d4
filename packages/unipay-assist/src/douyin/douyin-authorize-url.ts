/**
 * Douyin's in-app silent authorization (H5 `silent_auth`, scope `login_id`):
 * opened inside the Douyin app it redirects at once with `code` and `state`,
 * no consent page. Douyin requires `redirect_uri` to equal the one
 * registered for the app and to carry no query, so a flow rides on `state`.
 */
export function buildDouyinSilentAuthUrl(
  authBase: string,
  params: { clientKey: string; redirectUri: string; state: string },
): string {
  return (
    `${authBase.replace(/\/+$/, '')}/passport/open/silent_auth/` +
    `?client_key=${encodeURIComponent(params.clientKey)}` +
    `&response_type=code` +
    `&scope=login_id` +
    `&redirect_uri=${encodeURIComponent(params.redirectUri)}` +
    `&state=${encodeURIComponent(params.state)}`
  );
}
