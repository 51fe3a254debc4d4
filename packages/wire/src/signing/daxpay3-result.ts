import { parseChinaDateTime } from './china-time';
import { daxpay3Sign } from './daxpay3-sign';
import { SignType } from './sign-type';

/** `ChannelAuthStatusEnum` codes. */
export type ChannelAuthStatus = 'waiting' | 'success' | 'not_exist';

/** `AuthUrlResult`, the `data` of generateAuthUrl. */
export interface AuthUrlResult {
  authUrl?: string;
  queryCode?: string;
}

/** `AuthResult`, the `data` of auth and queryAuthResult (userId: Alipay without OpenId; accessToken: WeChat). */
export interface AuthResult {
  openId?: string;
  userId?: string;
  accessToken?: string;
  status?: ChannelAuthStatus;
}

/**
 * An AuthUrlResult with its keys in the Java bean's declaration order, which is
 * the order 3.0 clients sign `data` in; null and undefined members dropped.
 */
export function authUrlResultBean(result: AuthUrlResult): AuthUrlResult {
  return present({ authUrl: result.authUrl, queryCode: result.queryCode });
}

/** An AuthResult in declaration order (openId, userId, accessToken, status); null and undefined dropped. */
export function authResultBean(result: AuthResult): AuthResult {
  return present({
    openId: result.openId,
    userId: result.userId,
    accessToken: result.accessToken,
    status: result.status,
  });
}

/** `DaxResult<T>` before signing; `resTime` is `yyyy-MM-dd HH:mm:ss` China time. */
export interface DaxResultFields<T extends object> {
  code: number;
  msg?: string | null;
  data?: T | null;
  resTime: string;
  traceId?: string | null;
}

/** `DaxResult<T>` as sent, members in its declaration order. */
export interface SignedDaxResult<T extends object> {
  code: number;
  msg?: string;
  data?: T;
  sign: string;
  resTime: string;
  traceId?: string;
}

/**
 * The signed 3.0 answer: `sign` over code, msg, data, resTime and traceId,
 * as PaymentVerifyAspect signs the DaxResult. Pass `data` through
 * `authUrlResultBean` / `authResultBean` so it is signed in declaration order.
 * Absent members stay absent from both the sign and the object.
 */
export function signDaxResult<T extends object>(
  result: DaxResultFields<T>,
  signType: SignType,
  secret: string,
): SignedDaxResult<T> {
  if (parseChinaDateTime(result.resTime) === undefined) {
    // Jackson writes resTime in this pattern; anything else would be signed
    // as given and then disagree with what the client parses.
    throw new RangeError('resTime must be "yyyy-MM-dd HH:mm:ss"');
  }
  const unsigned = present({
    code: result.code,
    msg: result.msg,
    data: result.data,
    resTime: result.resTime,
    traceId: result.traceId,
  });
  const sign = daxpay3Sign(unsigned, signType, secret);
  return present({
    code: result.code,
    msg: result.msg,
    data: result.data,
    sign,
    resTime: result.resTime,
    traceId: result.traceId,
  });
}

/** A copy without null and undefined members, key order kept. */
function present<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== null && member !== undefined)) as {
    [K in keyof T]: Exclude<T[K], null>;
  };
}
