import { KeyObject } from 'node:crypto';
import { openSign, openSignString } from './daxpay-open-sign';

/**
 * DaxPay Open's `DaxResult` as sent: `code`, `msg`, `data` (absent when
 * none), `resTime` (Beijing `yyyy-MM-dd HH:mm:ss`), `reqId` (the request's,
 * echoed), `sign` over all the others with the platform's private key. A
 * failure has no `data`; DaxPay Open's own failures also drop `resTime`.
 * Null and undefined members are left out of the object, so the sign string
 * built from the raw body (as the SDKs verify) is the one signed here.
 */
export interface OpenResultFields {
  code: number;
  msg: string;
  data?: Record<string, unknown>;
  resTime?: string;
  reqId?: string;
}

export type SignedOpenResult = OpenResultFields & { sign: string };

export function signOpenResult(result: OpenResultFields, platformKey: KeyObject): SignedOpenResult {
  const body = Object.fromEntries(
    Object.entries({
      code: result.code,
      msg: result.msg,
      data: result.data,
      resTime: result.resTime,
      reqId: result.reqId,
    }).filter(([, v]) => v !== undefined && v !== null),
  ) as unknown as OpenResultFields;
  return { ...body, sign: openSign(openSignString(body as unknown as Record<string, unknown>), platformKey) };
}
