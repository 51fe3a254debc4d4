import { WECHAT_ERRCODE_REASONS } from './wechat-errors';

/**
 * What jscode2session's errcodes mean for a mini program, where the code
 * comes from `wx.login` rather than an OAuth redirect. Codes not listed
 * here read as in the web flow (wechat-errors.ts).
 */
export const MINI_PROGRAM_ERRCODE_REASONS: Readonly<Record<number, string>> = {
  40029: 'the wx.login code is invalid or has expired',
  40163: 'the wx.login code has already been used',
  41008: 'the wx.login code is missing',
  40226: 'WeChat blocked the login of a high-risk user',
  45011: 'WeChat rate limit for this user reached, try again in a minute',
};

/** errcodes that say the code itself is bad: never retried, never cached as a success. */
export const MINI_PROGRAM_CODE_ERRCODES: ReadonlySet<number> = new Set([40029, 40163, 41008]);

export function describeMiniProgramErrcode(errcode: number): string {
  const reason =
    MINI_PROGRAM_ERRCODE_REASONS[errcode] ?? WECHAT_ERRCODE_REASONS[errcode] ?? 'WeChat refused the request';
  return `${reason} (WeChat errcode ${errcode})`;
}
