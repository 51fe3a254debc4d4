import { SignableFields } from '../signing/sign-string';
import { verify } from '../signing/signature';
import { unsignedAnswer20, unsignedFailure } from './daxpay-2-0-0.dialect';
import { codes20 } from './outer-codes';
import { pickFields } from './signed-field-pick';
import { WireDialect } from './wire-dialect';

/**
 * DaxPay 2.0.1–2.0.5 (`cn.bootx.platform.daxpay.sdk`, tags 2.0.1…2.0.5, one
 * wire for these routes): 2.0.0 without `version`, so the request is
 * 2.0.6's (the DTO's fields, reqTime epoch seconds) and the answer 2.0.0's
 * (unsigned, `data` the bare model, a business failure as outer 20000).
 * Sources: docs/daxpay-dialects.md (T5).
 */
export const daxpay201Dialect: WireDialect = {
  name: 'daxpay-2.0.1',
  signedFields: (body, dtoFields) => pickFields(body, dtoFields),
  verify: (fields, signType, secrets) => verify(fields as SignableFields, signType, secrets),
  answer: (data, signing) => unsignedAnswer20(data, signing),
  outerCode: codes20,
  failure: (code, msg, context) => unsignedFailure(codes20(code), msg, context),
};
