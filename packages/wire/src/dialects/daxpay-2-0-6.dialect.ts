import { AssistErrorCode } from '../error-codes';
import { SignableFields } from '../signing/sign-string';
import { sign, verify } from '../signing/signature';
import { modelFields, readBusiness, withOutsideFacts } from './business-data';
import { unsignedFailure } from './daxpay-2-0-0.dialect';
import { codes20 } from './outer-codes';
import { pickFields } from './signed-field-pick';
import { AnswerSigning, WireAnswer, WireDialect } from './wire-dialect';

/**
 * DaxPay 2.0.6–2.0.8 (`cn.daxpay.single.sdk`), the seed contract (SPEC.md):
 * the sign covers the route's declared fields; the answer is
 * `{code, msg, data, traceId}` with `data` = the SDK model
 * (`DaxPayResponseModel{code:Integer, msg, resTime:Long, sign}` + the route's
 * payload), signed over exactly those fields. A business failure is
 * `data {code: 1, msg, resTime, sign}` under outer code 0, as DaxPay's
 * PaymentVerifyAop wrapped a PayFailureException; WeChat's errcode, which the
 * model lacks, rides outside `data` (envelope `wxErrcode`): signed inside, it
 * would make the SDK's own verification fail.
 * Sources: docs/daxpay-dialects.md (T6, T8).
 */
export const daxpay206Dialect: WireDialect = {
  name: 'daxpay-2.0.6',
  signedFields: (body, dtoFields) => pickFields(body, dtoFields),
  verify: (fields, signType, secrets) => verify(fields as SignableFields, signType, secrets),
  answer: (data, signing) => answer206(data, signing),
  outerCode: codes20,
  failure: (code, msg, context) => unsignedFailure(codes20(code), msg, context),
};

function answer206(data: Record<string, unknown>, signing: AnswerSigning): WireAnswer {
  const business = readBusiness(data);
  const model =
    business.kind === 'success'
      ? { code: AssistErrorCode.SUCCESS, ...modelFields(signing.route, business.fields) }
      : { code: 1, msg: business.msg };
  return withOutsideFacts(envelope20(signData20(model, signing), signing.traceId), business);
}

/** `data` with `resTime`, signed over all its fields (the 2.0.6 answer sign). */
export function signData20(data: Record<string, unknown>, signing: AnswerSigning): Record<string, unknown> {
  const withTime: Record<string, unknown> = { ...data, resTime: signing.now };
  delete withTime.sign;
  withTime.sign = sign(withTime as SignableFields, signing.signType, signing.secret);
  return withTime;
}

/** The 2.0 outer envelope of a success or business failure. */
export function envelope20(data: Record<string, unknown>, traceId: string): WireAnswer {
  return { code: 0, msg: 'success', data, traceId };
}
