import { AssistErrorCode } from '@unipay-assist/wire';
import { AssistException } from '../kernel/assist.exception';
import { describeWechatErrcode } from './wechat-errors';

/** WeChat's refusal: an errcode other than 0, with a clear reason. */
export interface WechatRefusal {
  ok: false;
  errcode: number;
  reason: string;
}

/**
 * The first step of reading any sns/* answer: JSON whatever its content type
 * (WeChat sends text/plain), an object, and errcode != 0 as a refusal.
 * Garbage is 29303. `what` names the answer in the message ('' or 'userinfo ').
 */
export function readWechatJson(text: string, what = ''): { body: Record<string, unknown> } | WechatRefusal {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AssistException(AssistErrorCode.UPSTREAM_BAD_RESPONSE, `WeChat answered a ${what}body that is not JSON`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AssistException(
      AssistErrorCode.UPSTREAM_BAD_RESPONSE,
      `WeChat answered ${what}JSON that is not an object`,
    );
  }
  const b = body as Record<string, unknown>;
  if (b.errcode !== undefined && b.errcode !== 0 && b.errcode !== '0') {
    const errcode = Number(b.errcode);
    if (!Number.isInteger(errcode)) {
      throw new AssistException(
        AssistErrorCode.UPSTREAM_BAD_RESPONSE,
        'WeChat answered an errcode that is not a number',
      );
    }
    return { ok: false, errcode, reason: describeWechatErrcode(errcode) };
  }
  return { body: b };
}
