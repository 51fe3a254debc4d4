export type AlipayScope = 'auth_base' | 'auth_user';

/** Alipay's real authorize host. The simulator's base replaces it in demos and tests. */
export const DEFAULT_ALIPAY_OPENAUTH_BASE = 'https://openauth.alipay.com';
export const ALIPAY_AUTHORIZE_PATH = '/oauth2/publicAppAuthorize.htm';
/** Alipay returns `state` verbatim but refuses more than 100 characters, and anything outside ASCII. */
export const ALIPAY_STATE_MAX_LENGTH = 100;

/**
 * The page that asks the payer to authorise the app (web or in-app). Alipay
 * sends the payer back to `redirect_uri` with `auth_code` and `state`.
 * `auth_base` is silent and yields the id only; `auth_user` shows a consent
 * screen. Pure: the caller validates the redirect host and the state.
 */
export function buildAlipayAuthorizeUrl(
  openAuthBase: string,
  params: { appId: string; redirectUri: string; scope?: AlipayScope; state?: string },
): string {
  const base = openAuthBase.replace(/\/+$/, '');
  const query =
    `?app_id=${encodeURIComponent(params.appId)}` +
    `&scope=${params.scope ?? 'auth_base'}` +
    `&redirect_uri=${encodeURIComponent(params.redirectUri)}`;
  // Alipay reads a missing state and an empty one alike; leave it out rather than send `state=`.
  const state = params.state ? `&state=${encodeURIComponent(params.state)}` : '';
  return `${base}${ALIPAY_AUTHORIZE_PATH}${query}${state}`;
}

/** Why Alipay would refuse this state, or undefined when it is fine. */
export function alipayStateProblem(state: string): string | undefined {
  if (state.length > ALIPAY_STATE_MAX_LENGTH)
    return `state must be at most ${ALIPAY_STATE_MAX_LENGTH} characters for Alipay`;
  if (!/^[\x21-\x7e]*$/.test(state)) return 'state must be printable ASCII without spaces for Alipay';
  return undefined;
}
