/**
 * The business's neutral answer data, as every route hands it to the
 * EnvelopeInterceptor: `{code: 0, ...fields}` on success, `{code: 1, msg,
 * wxErrcode?}` on a business failure (WeChat refused). Each generation shapes
 * it into what its own SDK reads and verifies (docs/daxpay-dialects.md).
 */
export type BusinessData =
  { kind: 'success'; fields: Record<string, unknown> } | { kind: 'failure'; msg: string; wxErrcode?: number };

export function readBusiness(data: Record<string, unknown>): BusinessData {
  const { code, msg, wxErrcode, resTime: _resTime, sign: _sign, ...fields } = data;
  if (code !== undefined && code !== 0 && code !== '0') {
    return {
      kind: 'failure',
      msg: typeof msg === 'string' && msg !== '' ? msg : 'the request failed',
      ...(typeof wxErrcode === 'number' && Number.isSafeInteger(wxErrcode) && { wxErrcode }),
    };
  }
  return { kind: 'success', fields };
}

/**
 * The payload fields each 2.0-family SDK model declares, in declaration order
 * (`WxAuthUrlModel{url}`, `WxAccessTokenModel{accessToken, openId}`, same in
 * every 2.0.x and multi SDK). Anything else the business might add (unionid,
 * a snapshot flag) is not in the model: signed, it would make the client's
 * own check fail, so it is left out.
 */
const MODEL_FIELDS: Readonly<Record<string, readonly string[]>> = {
  getWxAuthUrl: ['url'],
  getWxAccessToken: ['accessToken', 'openId'],
};

/** `fields` restricted to the route's model, in model order; a route without a model (a host's own) keeps its fields. */
export function modelFields(route: string | undefined, fields: Record<string, unknown>): Record<string, unknown> {
  const names = route === undefined ? undefined : MODEL_FIELDS[route];
  if (!names) return fields;
  const out: Record<string, unknown> = {};
  for (const name of names) if (fields[name] !== undefined && fields[name] !== null) out[name] = fields[name];
  return out;
}

/**
 * What no DaxPay model knows travels outside the signed `data`: WeChat's
 * errcode of a business failure becomes the envelope's own `wxErrcode`
 * (hutool ignores unknown properties, and no generation signs it).
 */
export function withOutsideFacts(answer: Record<string, unknown>, business: BusinessData): Record<string, unknown> {
  if (business.kind === 'failure' && business.wxErrcode !== undefined) answer.wxErrcode = business.wxErrcode;
  return answer;
}
