/**
 * WeChat OAuth errcodes and the clear reason a merchant sees. Pure, so the
 * client SDK can reuse it. Unknown codes still carry the errcode.
 */
export const WECHAT_ERRCODE_REASONS: Readonly<Record<number, string>> = {
  [-1]: 'WeChat is busy, try again later',
  40001: 'WeChat rejected the app credential',
  40013: 'the WeChat appid is invalid',
  40029: 'the OAuth code is invalid',
  40125: 'the WeChat appsecret is invalid',
  40163: 'the OAuth code has already been used',
  40164: 'the gateway IP is not on the WeChat IP whitelist',
  41002: 'the WeChat appid is missing',
  41004: 'the WeChat appsecret is missing',
  41008: 'the OAuth code is missing',
  42003: 'the OAuth code has expired',
  45011: 'WeChat API rate limit reached, try again later',
  50001: 'the user has not authorised this API',
};

/** errcodes that say the code itself is bad: never retried, never cached. */
export const WECHAT_CODE_ERRCODES: ReadonlySet<number> = new Set([40029, 40163, 42003, 41008]);

export function describeWechatErrcode(errcode: number): string {
  const reason = WECHAT_ERRCODE_REASONS[errcode] ?? 'WeChat refused the request';
  return `${reason} (WeChat errcode ${errcode})`;
}
