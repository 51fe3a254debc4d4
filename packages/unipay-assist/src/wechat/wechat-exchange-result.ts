/** What a code exchange yields, with refresh_token deliberately dropped. */
export interface WechatToken {
  openId: string;
  accessToken: string;
  /** Seconds the access token lives, as WeChat said. */
  expiresIn: number;
  scope?: string;
  unionId?: string;
  /** WeChat's `is_snapshotuser: 1`: a virtual openId from a snapshot page (朋友圈快照页), which cannot pay. */
  snapshotUser?: boolean;
}

export type WechatExchangeResult = { ok: true; token: WechatToken } | { ok: false; errcode: number; reason: string };
