import { KeyObject } from 'node:crypto';
import type { AuthFlow } from '../channel-auth/auth-flow';
import { openReturnSignString, openSign } from '@unipay-assist/wire';

/** DaxPay Open caps the failure message of a get-openid return at 200 characters. */
const MAX_MSG = 200;

/**
 * Where a finished get-openid flow sends the payer: the merchant's
 * redirectUrl + (`?` or `&`) + `code=0&msg=success&openid=…&sign=…`, or
 * `code=1&msg=…&sign=…` (no openid) when it failed. The platform signs
 * `code`, `msg` and camel-case `openId`, while the URL names it `openid`, as
 * DaxPay Open does. Values are percent-encoded (encodeURIComponent), so a
 * base64 `+` never reads back as a space.
 */
export function openReturnUrl(flow: AuthFlow, platformKey: KeyObject): string {
  const openId = flow.status === 'success' ? (flow.identity?.openId ?? flow.identity?.userId) : undefined;
  const result =
    openId !== undefined
      ? { code: 0, msg: 'success', openId }
      : { code: 1, msg: (flow.failure ?? 'authorization failed').slice(0, MAX_MSG) };
  const sign = openSign(openReturnSignString(result), platformKey);
  const query = [`code=${result.code}`, `msg=${encodeURIComponent(result.msg)}`];
  if (openId !== undefined) query.push(`openid=${encodeURIComponent(openId)}`);
  query.push(`sign=${encodeURIComponent(sign)}`);
  const base = flow.redirectUrl ?? '';
  return `${base}${base.includes('?') ? '&' : '?'}${query.join('&')}`;
}
