import { AssistErrorCode } from '@unipay-assist/wire';
import { FlowMode } from '../../channel-auth/auth-flow';
import { AssistException } from '../../kernel/assist.exception';
import { Merchant } from '../../merchants/merchant';
import { checkRedirectUrl } from '../../merchants/redirect-hosts';
import { ChannelCallback } from './channel-callback';
import { HostedRoutes } from './hosted-routes';
import { present } from './present';

/**
 * The redirect_uri of a new generateAuthUrl flow, and so its mode: the
 * gateway's callback (`qr`), or the merchant's own page at authPath
 * (`page`), which calls authAndSet with the code the channel appends and
 * the queryCode added here.
 */
export function redirectTarget(
  merchant: Merchant,
  authPath: string | undefined,
  queryCode: string,
  callback: ChannelCallback,
  routes: HostedRoutes,
): { mode: FlowMode; redirectUri: string } {
  const path = present(authPath);
  if (path === undefined) return { mode: 'qr', redirectUri: routes.requireUrl(callback.callbackPath) };
  if (callback.authPathRefused !== undefined) throw AssistException.invalidField('authPath', callback.authPathRefused);
  let target: URL;
  if (path.startsWith('/') && !path.startsWith('//')) {
    // DaxPay's authPath: a page on the gateway's own web front, below its public base URL.
    const base = routes.publicBaseUrl('authPath as a path needs the gateway public base URL');
    if (/[\\\s]/.test(path)) throw AssistException.invalidField('authPath', 'must not contain spaces or backslashes');
    target = new URL(`${base}${path}`);
  } else {
    // An absolute URL: a merchant page, so on the merchant's allow-list like any redirect.
    const check = checkRedirectUrl(path, merchant.redirectHosts);
    if (!check.ok) throw new AssistException(AssistErrorCode.REDIRECT_NOT_ALLOWED, `authPath: ${check.reason}`);
    target = new URL(check.url);
  }
  target.searchParams.set('queryCode', queryCode);
  return { mode: 'page', redirectUri: target.toString() };
}
