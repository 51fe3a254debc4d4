import { AssistErrorCode } from '@unipay-assist/wire';
import { AssistException } from '../kernel/assist.exception';
import { readWechatJson } from './wechat-json-body';

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

export type WechatUserInfoResult =
  { ok: true; profile: WechatUserInfo } | { ok: false; errcode: number; reason: string };

/** WeChat's userinfo body: JSON whatever its content type; errcode != 0 (48001: a base-scope token) is a refusal. */
export function parseUserInfoBody(text: string, expectedOpenId: string): WechatUserInfoResult {
  const read = readWechatJson(text, 'userinfo ');
  if (!('body' in read)) return read;
  const b = read.body;
  // A profile of someone else would be a mix-up upstream: never hand it over as this payer's.
  if (b.openid !== expectedOpenId) {
    throw new AssistException(AssistErrorCode.UPSTREAM_BAD_RESPONSE, 'WeChat answered userinfo for another openid');
  }
  return {
    ok: true,
    profile: {
      nickname: typeof b.nickname === 'string' ? b.nickname : '',
      headImgUrl: typeof b.headimgurl === 'string' ? b.headimgurl : '',
    },
  };
}
