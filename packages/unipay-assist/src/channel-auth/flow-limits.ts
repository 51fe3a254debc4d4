/**
 * What one hosted flow takes from unauthenticated callers (its state is
 * readable off any checkout QR). Each counts per flow, so a flood at one
 * state costs that flow a bounded number of store keys and upstream calls,
 * and no other flow anything.
 */

/** Failed code exchanges before the flow is closed as failed (then no further WeChat/Alipay call for it). */
export const MAX_FAILED_EXCHANGES_PER_FLOW = 3;

/** Callbacks answered per state over the flow's life; beyond it a 429 page, nothing read past the counter. */
export const MAX_CALLBACKS_PER_STATE = 20;

/**
 * The shape of a WeChat `code` or an Alipay `auth_code`, checked before any
 * lookup: 8 to 128 URL-unreserved characters (both channels issue 32
 * alphanumerics; WeChat bounds a code at 128 bytes).
 */
export function isOAuthCodeShape(code: string): boolean {
  return /^[A-Za-z0-9._~-]{8,128}$/.test(code);
}
