import { createHash } from 'node:crypto';
import { FLOW_TOKEN_LENGTH, isFlowToken } from './flow-token';

/**
 * The cookie that binds a redirect-back flow to the browser that opened its
 * jump link: a random token (a flow token, 130 bits), set by the jump and
 * required by the callback, whose digest the flow keeps. HttpOnly (no script
 * reads it), SameSite=Lax (sent on WeChat's and Alipay's top-level redirect
 * back, not on cross-site subrequests), Path scoped to the module's
 * channel-auth routes, Secure when the gateway's public URL is https. One
 * cookie per browser serves every flow that browser opens.
 */
export const BINDING_COOKIE = 'unipay_assist_flow';

/** How long the browser keeps it: a flow's own life. */
export const BINDING_MAX_AGE_SECONDS = 300;

/**
 * The binding token a request's Cookie header carries, or undefined. Read
 * by hand: one fixed name and a value in the flow-token alphabet, so a
 * general cookie parser would add a dependency and nothing else; anything
 * not of that shape counts as no binding.
 */
export function readBindingCookie(cookieHeader: unknown): string | undefined {
  const header = Array.isArray(cookieHeader) ? cookieHeader.join('; ') : cookieHeader;
  if (typeof header !== 'string' || header.length > 8192) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== BINDING_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    if (value.length === FLOW_TOKEN_LENGTH && isFlowToken(value)) return value;
  }
  return undefined;
}

/** The Set-Cookie header value for `token`, scoped to `path` (the public path of the channel-auth routes). */
export function bindingCookie(token: string, path: string, secure: boolean): string {
  return `${BINDING_COOKIE}=${token}; Path=${path}; Max-Age=${BINDING_MAX_AGE_SECONDS}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** What a flow keeps of the token: its digest, so a store dump does not yield a cookie. */
export function bindingDigest(token: string): string {
  return createHash('sha256').update(`browser-binding\u0000${token}`).digest('base64url');
}
