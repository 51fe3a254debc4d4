import { AuthPage } from '../../channel-auth/auth-pages';

/** What a browser route answers: a page, or a redirect; `setCookie` binds a redirect-back flow to the browser (the jump sets it). */
export type BrowserOutcome =
  { kind: 'page'; page: AuthPage; setCookie?: string } | { kind: 'redirect'; url: string; setCookie?: string };

/** A page to show, with no cookie: only a route that starts a redirect-back flow sets one. */
export function page(p: AuthPage): BrowserOutcome {
  return { kind: 'page', page: p };
}
