import { AssistErrorCode, isRecord } from '@unipay-assist/wire';
import { AssistException } from '../kernel/assist.exception';

/**
 * One exchange's answer: the payer's open_id and access token (the shape the
 * idempotent exchange caches as it is), or Douyin's refusal with its
 * `error_code` and description.
 */
export type DouyinExchangeResult =
  | { ok: true; token: { openId: string; accessToken: string; expiresIn: number } }
  | { ok: false; errcode: number; reason: string };

/**
 * `oauth/access_token/`'s body: `{ data: { error_code, open_id,
 * access_token, expires_in, description, … }, message }`. `error_code` 0 is
 * a success; anything else is Douyin's refusal. `refresh_token` is never
 * read. Not JSON, or no `data`, is 29303.
 */
export function parseDouyinTokenBody(text: string): DouyinExchangeResult {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AssistException(AssistErrorCode.UPSTREAM_BAD_RESPONSE, 'Douyin answered a body that is not JSON');
  }
  if (!isRecord(body) || !isRecord(body.data))
    throw new AssistException(AssistErrorCode.UPSTREAM_BAD_RESPONSE, 'Douyin answered JSON without data');
  const d = body.data;
  const errcode = Number(d.error_code ?? 0);
  if (!Number.isInteger(errcode))
    throw new AssistException(
      AssistErrorCode.UPSTREAM_BAD_RESPONSE,
      'Douyin answered an error_code that is not a number',
    );
  if (errcode !== 0) {
    const description =
      typeof d.description === 'string' && d.description !== ''
        ? d.description.slice(0, 200)
        : 'Douyin refused the request';
    return { ok: false, errcode, reason: `${description} (Douyin error_code ${errcode})` };
  }
  if (
    typeof d.open_id !== 'string' ||
    d.open_id === '' ||
    typeof d.access_token !== 'string' ||
    d.access_token === ''
  ) {
    throw new AssistException(AssistErrorCode.UPSTREAM_BAD_RESPONSE, 'Douyin answered without open_id or access_token');
  }
  const expiresIn = Number(d.expires_in);
  return {
    ok: true,
    token: {
      openId: d.open_id,
      accessToken: d.access_token,
      expiresIn: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 300,
    },
  };
}
