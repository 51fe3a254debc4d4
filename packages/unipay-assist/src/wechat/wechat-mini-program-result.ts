import { WechatExchangeResult } from './wechat-exchange-result';

/** A call to WeChat that got no usable answer, each its own kind so a caller can tell them apart. */
export type WechatTransportFailureKind =
  /** No connection (refused, reset, DNS): the request most likely never reached WeChat. */
  | 'unreachable'
  /** No answer in time. The code may have been spent: never retry a timeout. */
  | 'timeout'
  /** WeChat answered HTTP 3xx, 4xx or 5xx. */
  | 'http-error'
  /** WeChat answered something that is not its JSON. */
  | 'bad-response';

/** WeChat refused with an errcode: the same shape as the web flow's refusal. */
export type WechatErrcodeFailure = Extract<WechatExchangeResult, { ok: false }>;

export interface WechatTransportFailure {
  ok: false;
  kind: WechatTransportFailureKind;
  reason: string;
  /** `http-error`: the status WeChat answered. */
  status?: number;
}

/**
 * What one `sns/jscode2session` call yields. `session_key` is not in it, by
 * design: see parseJscode2sessionBody.
 */
export type MiniProgramSessionResult =
  { ok: true; openId: string; unionId?: string } | WechatErrcodeFailure | WechatTransportFailure;
