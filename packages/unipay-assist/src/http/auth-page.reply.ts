import { HttpServer } from '@nestjs/common';
import { AUTH_PAGE_HEADERS, AuthPage, renderAuthPage } from '../channel-auth/auth-pages';
import { BrowserOutcome } from '../relay/channel-auth/browser-outcome';

/** Sends a hosted-flow page or redirect through the adapter (Express and Fastify alike), with the pages' security headers. */
export function replyBrowser(adapter: HttpServer, res: object, outcome: BrowserOutcome, traceId: string): void {
  for (const [name, value] of Object.entries(AUTH_PAGE_HEADERS)) adapter.setHeader(res, name, value);
  // The redirect-back flow's browser binding (the jump sets it; see channel-auth/browser-binding).
  if (outcome.setCookie !== undefined) adapter.setHeader(res, 'Set-Cookie', outcome.setCookie);
  if (outcome.kind === 'redirect') {
    adapter.redirect(res, 302, outcome.url);
    return;
  }
  replyPage(adapter, res, { ...outcome.page, traceId });
}

export function replyPage(adapter: HttpServer, res: object, page: AuthPage): void {
  for (const [name, value] of Object.entries(AUTH_PAGE_HEADERS)) adapter.setHeader(res, name, value);
  adapter.setHeader(res, 'Content-Type', 'text/html; charset=utf-8');
  adapter.reply(res, renderAuthPage(page), page.status);
}
