import { AssistErrorCode } from '../error-codes';
import { SignableFields } from '../signing/sign-string';
import { sign, verify } from '../signing/signature';
import { SignType } from '../signing/sign-type';
import { modelFields, readBusiness, withOutsideFacts } from './business-data';
import { unsignedFailure } from './daxpay-2-0-0.dialect';
import { codes30 } from './outer-codes';
import { pickFields } from './signed-field-pick';
import { AnswerSigning, WireAnswer, WireDialect } from './wire-dialect';

/**
 * DaxPay's multi-merchant SDK `cn.daxpay.multi.sdk` 0.0.1-SNAPSHOT (stored
 * commit eef7ccb9; no DaxPay server ever served its two assist routes, so the
 * SDK's models are the contract):
 * - request: `mchNo`, `appId` added, reqTime `yyyy-MM-dd HH:mm:ss` China
 *   time (a string, signed as sent), lower-case hex, no SM3. The SDK signs
 *   before it fills mchNo/appId from its DaxPayConfig, so a request that left
 *   them to the config carries them unsigned: the sign is tried over the DTO's
 *   fields, then without mchNo/appId (DaxPay's own multi server refused those
 *   requests; accepting them is the only way such clients work at all);
 * - answer: the models are `DaxPayResponseModel{resTime:Long, sign}` + the
 *   payload, with no code and no msg: `data` = payload + resTime + sign,
 *   signed over payload + resTime; a business failure is the outer code
 *   (20000, UNCLASSIFIED_ERROR) with `data` null;
 * - common codes as bootx 3.0 numbers them (10500, 10505, 10506, 10507).
 * Sources: docs/daxpay-dialects.md (M).
 */
export const daxpayMultiDialect: WireDialect = {
  name: 'daxpay-multi',
  signedFields: (body, dtoFields) => pickFields(body, dtoFields),
  verify: (fields, signType, secrets) => verifyMulti(fields, signType, secrets),
  answer: (data, signing) => answerMulti(data, signing),
  outerCode: codes30,
  failure: (code, msg, context) => unsignedFailure(codes30(code), msg, context),
};

function verifyMulti(fields: Record<string, unknown>, signType: SignType, secrets: readonly string[]): number {
  const index = verify(fields as SignableFields, signType, secrets);
  if (index >= 0 || (fields.mchNo === undefined && fields.appId === undefined)) return index;
  const { mchNo: _mchNo, appId: _appId, ...withoutConfigFilled } = fields;
  return verify(withoutConfigFilled as SignableFields, signType, secrets);
}

function answerMulti(data: Record<string, unknown>, signing: AnswerSigning): WireAnswer {
  const business = readBusiness(data);
  if (business.kind === 'failure') {
    return withOutsideFacts(
      { code: AssistErrorCode.BUSINESS_FAILED, msg: business.msg, data: null, traceId: signing.traceId },
      business,
    );
  }
  const model: Record<string, unknown> = { ...modelFields(signing.route, business.fields), resTime: signing.now };
  model.sign = sign(model as SignableFields, signing.signType, signing.secret);
  return { code: AssistErrorCode.SUCCESS, msg: 'success', data: model, traceId: signing.traceId };
}
