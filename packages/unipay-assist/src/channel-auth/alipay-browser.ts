/**
 * True inside Alipay's own browser: its User-Agent carries `AlipayClient`.
 * Only picks where the jump link sends the payer: nothing is trusted on a User-Agent.
 */
export function isAlipayBrowser(userAgent: unknown): boolean {
  return typeof userAgent === 'string' && /\bAlipayClient\b/i.test(userAgent);
}
