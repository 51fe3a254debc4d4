import { formatChinaDateTime } from '../signing/china-time';
import { authResultBean, authUrlResultBean, ChannelAuthStatus, signDaxResult } from '../signing/daxpay3-result';
import { daxpay3Verify } from '../signing/daxpay3-sign';
import { readBusiness, withOutsideFacts } from './business-data';
import { codes30 } from './outer-codes';
import { pickFields } from './signed-field-pick';
import { AnswerSigning, WireAnswer, WireDialect } from './wire-dialect';

/**
 * DaxPay 3.0's `OPERATION_FAIL` (`DaxPayErrorCode`, daxpay-open-core, tag 3.0.0):
 * what 3.0's own WeChat auth raises (OperationFailException "微信认证失败")
 * when the channel refuses, so a business failure carries it as `code`.
 */
export const DAXPAY3_OPERATION_FAIL = 20080;

/**
 * DaxPay 3.0 (tag 3.0.0; facts in docs/wire.md and docs/daxpay-dialects.md):
 * - request: the sign covers the route DTO's declared fields (the Java param
 *   bean's), computed by PaySignUtil (sorted, `\` and `"` removed, the whole
 *   string with `&key=` upper-cased); `mchNo` and `appId` always sent;
 *   the reqTime window is symmetric (`|now − reqTime| > reqTimeout` refused);
 * - answer: `DaxResult {code, msg, data, sign, resTime, traceId}`, `sign` over
 *   the other five, `resTime` as `yyyy-MM-dd HH:mm:ss` China time, `data` the
 *   route's bean in declaration order (members the bean lacks are dropped:
 *   the client reads `data` into the typed bean and signs that).
 */
export const daxpay30Dialect: WireDialect = {
  name: 'daxpay-3.0',
  signedFields: (body, dtoFields) => pickFields(body, dtoFields),
  verify: (fields, signType, secrets) => daxpay3Verify(fields, signType, secrets),
  maxAheadSeconds: (reqTimeout) => reqTimeout,
  requiredHeadFields: ['mchNo', 'appId'],
  answer: (data, signing) => daxResult30(data, signing),
  // Failures before the business: bootx 3.0's numbers (10506 validation …), unsigned {msg, code, data: null, traceId}.
  outerCode: codes30,
};

/**
 * The relay's neutral business data (`code` 0 on success with the route's
 * fields, or `code` 1 and `msg` on a business failure) as a signed DaxResult.
 */
export function daxResult30(data: Record<string, unknown>, signing: AnswerSigning): WireAnswer {
  const business = readBusiness(data);
  const resTime = formatChinaDateTime(signing.now);
  const traceId = signing.traceId;
  if (business.kind === 'failure') {
    // A BizException in 3.0: DaxResult<Void> {code, msg}, signed; WeChat's errcode rides outside, unsigned.
    const code =
      typeof data.code === 'number' && Number.isSafeInteger(data.code) && data.code !== 1
        ? data.code
        : DAXPAY3_OPERATION_FAIL;
    const answer = signDaxResult({ code, msg: business.msg, resTime, traceId }, signing.signType, signing.secret);
    return withOutsideFacts({ ...answer }, business);
  }
  const bean = beanFor(signing.route, business.fields);
  return {
    ...signDaxResult({ code: 0, msg: 'success', data: bean, resTime, traceId }, signing.signType, signing.secret),
  };
}

/**
 * `data` as the route's 3.0 bean. Routes 3.0 never served (the 2.0 assist
 * routes) keep their fields in the order the business gave them.
 */
function beanFor(route: string | undefined, fields: Record<string, unknown>): object | undefined {
  switch (route) {
    case 'generateAuthUrl':
      return authUrlResultBean({ authUrl: text(fields.authUrl), queryCode: text(fields.queryCode) });
    case 'auth':
      return authResultBean({
        openId: text(fields.openId),
        userId: text(fields.userId),
        accessToken: text(fields.accessToken),
        status: text(fields.status) as ChannelAuthStatus | undefined,
      });
    case 'authAndSet':
      // Res.ok(): no data.
      return undefined;
    default: {
      const present = Object.entries(fields).filter(([, v]) => v !== undefined && v !== null);
      return present.length > 0 ? Object.fromEntries(present) : undefined;
    }
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
