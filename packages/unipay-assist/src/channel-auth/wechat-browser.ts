/**
 * True inside WeChat's own browser: its User-Agent carries `MicroMessenger/`
 * (phones, the PC client and WeChat Work alike). Only picks the page to
 * show: nothing is trusted on a User-Agent.
 */
export function isWechatBrowser(userAgent: unknown): boolean {
  return typeof userAgent === 'string' && /\bMicroMessenger\//i.test(userAgent);
}
