import { AssistErrorCode } from '../error-codes';
import { SignableFields } from '../signing/sign-string';
import { verify } from '../signing/signature';
import { modelFields, readBusiness, withOutsideFacts } from './business-data';
import { codes20 } from './outer-codes';
import { pickFields } from './signed-field-pick';
import { AnswerSigning, FailureContext, WireAnswer, WireDialect } from './wire-dialect';

/**
 * DaxPay 2.0.0 (`cn.bootx.platform.daxpay.sdk`, tag 2.0.0):
 * - request: the DTO's fields plus `version` ("1.0"), which the 2.0.0 SDK's
 *   DaxPayRequest declares, sends and signs (the relay signs it when sent);
 *   reqTime epoch seconds, lower-case hex;
 * - answer: nothing is signed; the SDK models are `WxAuthUrlModel{url}` and
 *   `WxAccessTokenModel{accessToken, openId}` with no code/msg/resTime/sign,
 *   so `data` is the payload alone and a business failure can only be the
 *   outer code: 20000 (PAY_FAILURE), `data` null, as DaxPay's own
 *   RestExceptionHandler answered a PayFailureException.
 * Sources: docs/daxpay-dialects.md (T0).
 */
export const daxpay200Dialect: WireDialect = {
  name: 'daxpay-2.0.0',
  signedFields: (body, dtoFields) => withVersion(pickFields(body, dtoFields), body),
  verify: (fields, signType, secrets) => verify(fields as SignableFields, signType, secrets),
  answer: (data, signing) => unsignedAnswer20(data, signing),
  outerCode: codes20,
  failure: (code, msg, context) => unsignedFailure(codes20(code), msg, context),
};

function withVersion(fields: Record<string, unknown>, body: Record<string, unknown>): Record<string, unknown> {
  // pickFields may hand back the body itself: never add to the caller's object.
  return body.version === undefined || body.version === null ? fields : { ...fields, version: body.version };
}

/**
 * The 2.0.0–2.0.5 answer: `{code, msg, data, traceId}`, `data` the model's
 * fields only, unsigned; a business failure as outer 20000 with `data` null.
 * DaxPay's own getWxAccessToken answered a ResResult without traceId; the
 * relay keeps it on both routes (an unknown property to the SDK model, so harmless).
 */
export function unsignedAnswer20(data: Record<string, unknown>, signing: AnswerSigning): WireAnswer {
  const business = readBusiness(data);
  if (business.kind === 'failure') {
    return withOutsideFacts(
      { code: AssistErrorCode.BUSINESS_FAILED, msg: business.msg, data: null, traceId: signing.traceId },
      business,
    );
  }
  return {
    code: AssistErrorCode.SUCCESS,
    msg: 'success',
    data: modelFields(signing.route, business.fields),
    traceId: signing.traceId,
  };
}

/** A failure outside the business, as every 2.0 server answered it: `{code, msg, data: null, traceId}`, unsigned. */
export function unsignedFailure(code: number, msg: string, context: FailureContext): WireAnswer {
  return { code, msg, data: null, traceId: context.traceId };
}
