import { SignableFields } from '../signing/sign-string';
import { sign, verify } from '../signing/signature';
import { pickFields } from './signed-field-pick';
import { AnswerSigning, WireAnswer, WireDialect } from './wire-dialect';

/**
 * DaxPay 2.0.6–2.0.8, the seed contract (SPEC.md): the sign covers the
 * route's declared fields; the answer is `{code, msg, data, traceId}` with
 * `resTime` and `sign` inside `data`, signed over every field of `data`.
 */
export const daxpay206Dialect: WireDialect = {
  name: 'daxpay-2.0.6',
  signedFields: (body, dtoFields) => pickFields(body, dtoFields),
  verify: (fields, signType, secrets) => verify(fields as SignableFields, signType, secrets),
  answer: (data, signing) => envelope20(signData20(data, signing), signing.traceId),
};

/** `data` with `resTime`, signed over all its fields (the 2.0 answer sign). */
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
