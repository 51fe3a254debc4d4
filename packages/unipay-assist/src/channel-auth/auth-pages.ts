import { createHash } from 'node:crypto';

/** A small page for the payer: what happened and what to do next. */
export interface AuthPage {
  status: number;
  tone: 'ok' | 'error' | 'info';
  title: string;
  message: string;
  /** A link to offer (e.g. the page to open in WeChat). */
  link?: { href: string; text: string };
  traceId?: string;
}

const STYLE =
  'body{font:17px/1.5 system-ui,sans-serif;max-width:30rem;margin:3rem auto;padding:0 1.2rem;color:#1d2330}' +
  '.card{border:1px solid #d8dde6;border-radius:14px;padding:1.4rem 1.5rem}h1{font-size:1.25rem;margin:.2rem 0 .6rem}' +
  '.ok h1{color:#07843f}.error h1{color:#c5221f}.info h1{color:#2f6fed}small{color:#6b7385}' +
  'a{display:inline-block;margin-top:.6rem;color:#2f6fed;word-break:break-all}';

/** The only style on these pages, allowed by its hash; no script at all. */
export const AUTH_PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;

/** Headers of every page and redirect of the hosted flow: the URLs carry a code and a state, so no referrer, no cache. */
export const AUTH_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': AUTH_PAGE_CSP,
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
};

export function renderAuthPage(page: AuthPage): string {
  const link = page.link
    ? `<a id="auth-link" href="${escapeHtml(page.link.href)}">${escapeHtml(page.link.text)}</a>`
    : '';
  const trace = page.traceId
    ? `<p><small>Reference: <span id="auth-trace">${escapeHtml(page.traceId)}</span></small></p>`
    : '';
  return (
    `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${escapeHtml(page.title)}</title><link rel="icon" href="data:,"><style>${STYLE}</style>` +
    `<div class="card ${page.tone}" id="auth-page" data-tone="${page.tone}"><h1 id="auth-title">${escapeHtml(page.title)}</h1>` +
    `<p id="auth-message">${escapeHtml(page.message)}</p>${link}${trace}</div></html>`
  );
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A channel as the payer's pages name it. */
export type ChannelLabel = 'WeChat' | 'Alipay' | 'Douyin';

// The pages the flows show. Plain words: the payer reads them on a phone.
export const PAGES = {
  done: (): AuthPage => ({
    status: 200,
    tone: 'ok',
    title: 'Authorization complete',
    message: 'You can close this page and return to the payment page on your computer.',
  }),
  declined: (): AuthPage => ({
    status: 200,
    tone: 'error',
    title: 'Authorization declined',
    message: 'You declined the authorization, so the payment cannot go on. Scan the code again to retry.',
  }),
  // The channel named is the one that sent the payer back (WeChat's or Alipay's callback).
  noCode: (channel: ChannelLabel = 'WeChat'): AuthPage => ({
    status: 400,
    tone: 'error',
    title: 'Authorization incomplete',
    message: `${channel} came back without an authorization code. Scan the code again to retry.`,
  }),
  badLink: (): AuthPage => ({
    status: 400,
    tone: 'error',
    title: 'This link is not valid',
    message:
      'This authorization link was not issued by this payment gateway, or it has expired (links last 5 minutes). Start again from the payment page.',
  }),
  inProgress: (): AuthPage => ({
    status: 409,
    tone: 'info',
    title: 'Already being authorized',
    message: 'This authorization is being completed in another window. Return to the payment page on your computer.',
  }),
  failed: (reason: string): AuthPage => ({
    status: 200,
    tone: 'error',
    title: 'Authorization failed',
    message: `${reason}. Scan the code again to retry.`,
  }),
  // The callback of a redirect-back flow in a browser that did not open its jump link (no binding cookie, or another one).
  otherBrowser: (): AuthPage => ({
    status: 403,
    tone: 'error',
    title: 'Opened in another browser',
    message:
      "This authorization was opened in another browser, so it cannot finish here. Start again from the merchant's page in this browser.",
  }),
  // A jump link opened again after its flow finished: the payer was already sent back once; no second landing.
  alreadyFinished: (): AuthPage => ({
    status: 200,
    tone: 'info',
    title: 'Authorization already finished',
    message:
      "This authorization has already finished. Return to the merchant's page; to authorize again, start from there.",
  }),
  tooManyCallbacks: (): AuthPage => ({
    status: 429,
    tone: 'error',
    title: 'Too many attempts',
    message: 'This authorization link was used too many times. Start again from the payment page.',
  }),
  closed: (): AuthPage => ({
    status: 200,
    tone: 'error',
    title: 'Authorization closed',
    message: 'This authorization was closed after too many failed attempts. Start again from the payment page.',
  }),
  openInWechat: (href: string): AuthPage => ({
    status: 200,
    tone: 'info',
    title: 'Open this page in WeChat',
    message:
      'This payment step works inside WeChat only. Open the link below in WeChat (send it to yourself, or scan it), then continue there.',
    link: { href, text: href },
  }),
  openInWechatOrAlipay: (href: string): AuthPage => ({
    status: 200,
    tone: 'info',
    title: 'Open this page in WeChat or Alipay',
    message:
      'This payment step works inside WeChat or Alipay only. Open the link below in one of them (send it to yourself, or scan it), then continue there.',
    link: { href, text: href },
  }),
};
