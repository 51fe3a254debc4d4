import { AssistErrorCode } from '../kernel/error-codes';
import { AssistException } from '../kernel/assist.exception';
import { describeWechatErrcode } from './wechat-errors';

/**
 * The part of `sns/userinfo` the relay passes on: the payer's nickname and
 * avatar. Sex, city, province, country and privilege are dropped (WeChat has
 * answered them empty since 2021, and a merchant asking for a profile asks
 * for these two).
 */
export interface WechatUserInfo {
  nickname: string;
  headImgUrl: string;
}

export type WechatUserInfoResult = { ok: true; profile: WechatUserInfo } | { ok: false; errcode: number; reason: string };

/** WeChat's userinfo body: JSON whatever its content type; errcode != 0 (48001: a base-scope token) is a refusal. */
export function parseUserInfoBody(text: string, expectedOpenId: string): WechatUserInfoResult {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AssistException(AssistErrorCode.WECHAT_BAD_RESPONSE, 'WeChat answered a userinfo body that is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AssistException(AssistErrorCode.WECHAT_BAD_RESPONSE, 'WeChat answered userinfo JSON that is not an object');
  }
  const b = body as Record<string, unknown>;
  if (b.errcode !== undefined && b.errcode !== 0 && b.errcode !== '0') {
    const errcode = Number(b.errcode);
    if (!Number.isInteger(errcode)) {
      throw new AssistException(AssistErrorCode.WECHAT_BAD_RESPONSE, 'WeChat answered an errcode that is not a number');
    }
    return { ok: false, errcode, reason: describeWechatErrcode(errcode) };
  }
  // A profile of someone else would be a mix-up upstream: never hand it over as this payer's.
  if (b.openid !== expectedOpenId) {
    throw new AssistException(AssistErrorCode.WECHAT_BAD_RESPONSE, 'WeChat answered userinfo for another openid');
  }
  return {
    ok: true,
    profile: {
      nickname: typeof b.nickname === 'string' ? b.nickname : '',
      headImgUrl: typeof b.headimgurl === 'string' ? b.headimgurl : '',
    },
  };
}
