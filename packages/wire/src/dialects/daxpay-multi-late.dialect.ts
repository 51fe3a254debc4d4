import { AssistErrorCode } from '../error-codes';
import { formatChinaDateTime } from '../signing/china-time';
import { hutoolJson } from '../signing/hutool-json';
import { SignableFields } from '../signing/sign-string';
import { sign, verify } from '../signing/signature';
import { modelFields, readBusiness, withOutsideFacts } from './business-data';
import { codes30 } from './outer-codes';
import { pickFields } from './signed-field-pick';
import { FailureContext, WireAnswer, WireDialect } from './wire-dialect';

/**
 * The later multi-merchant SDK (`cn.daxpay.multi.sdk` up to 3.0.1.beta1;
 * stored commits e5181d51, 23067708, c009d3ae), read from source and not run
 * against a real SDK (docs/daxpay-dialects.md, ML):
 * - request: as daxpay-multi, but mchNo/appId are filled before signing, so
 *   the sign always covers them; SM3 joins MD5 and HMAC_SHA256;
 * - answer: the outer `DaxPayResult{code, msg, data, sign, resTime, traceId}`
 *   is what is signed (2.0's PaySignUtil, no upper-casing): `data` enters the
 *   sign as hutool JSON of the plain model bean (`{url}` / `{accessToken,
 *   openId}` in declaration order), `resTime` as `yyyy-MM-dd HH:mm:ss` China
 *   time; a business failure is a signed outer 20000 with `data` null;
 * - common codes as bootx 3.0 numbers them (10500, 10505, 10506, 10507).
 */
export const daxpayMultiLateDialect: WireDialect = {
  name: 'daxpay-multi-late',
  signedFields: (body, dtoFields) => pickFields(body, dtoFields),
  verify: (fields, signType, secrets) => verify(fields as SignableFields, signType, secrets),
  answer: (data, signing) => {
    const business = readBusiness(data);
    const context = { traceId: signing.traceId, now: signing.now, signing };
    if (business.kind === 'failure')
      return withOutsideFacts(signedResult(AssistErrorCode.BUSINESS_FAILED, business.msg, null, context), business);
    return signedResult(AssistErrorCode.SUCCESS, 'success', modelFields(signing.route, business.fields), context);
  },
  outerCode: codes30,
  failure: (code, msg, context) => signedResult(codes30(code), msg, null, context),
};

/**
 * `DaxPayResult` in its declaration order, signed over its non-null members
 * when the request's secret is known (before the sign verified there is none
 * to sign with, and the answer goes out unsigned).
 */
function signedResult(
  code: number,
  msg: string,
  data: Record<string, unknown> | null,
  context: FailureContext,
): WireAnswer {
  const resTime = formatChinaDateTime(context.now);
  const signing = context.signing;
  if (!signing) return { code, msg, data, resTime, traceId: context.traceId };
  const signed = { code, msg, data: data === null ? null : hutoolJson(data), resTime, traceId: context.traceId };
  return { code, msg, data, sign: sign(signed, signing.signType, signing.secret), resTime, traceId: context.traceId };
}
