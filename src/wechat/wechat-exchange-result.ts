/** What a code exchange yields, with refresh_token deliberately dropped. */
export interface WechatToken {
  openId: string;
  accessToken: string;
  /** Seconds the access token lives, as WeChat said. */
  expiresIn: number;
  scope?: string;
  unionId?: string;
}

export type WechatExchangeResult =
  | { ok: true; token: WechatToken }
  | { ok: false; errcode: number; reason: string };
