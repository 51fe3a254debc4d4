import { KeyObject } from 'node:crypto';
import { formatChinaDateTime } from '@unipay-assist/wire';
import { signOpenResult, SignedOpenResult } from '@unipay-assist/wire';

/** A success as DaxPay Open answers it: `{code: 0, msg: "success", data, resTime, reqId, sign}`, platform-signed. */
export function openSuccess(
  data: Record<string, unknown> | undefined,
  reqId: string | undefined,
  now: number,
  key: KeyObject,
): SignedOpenResult {
  return signOpenResult(
    { code: 0, msg: 'success', data: data && present(data), resTime: formatChinaDateTime(now), reqId },
    key,
  );
}

/**
 * A failure: `{code, msg, reqId, sign}` (DaxPay Open's in-controller failure
 * shape, no data and no resTime), signed whenever the gateway has its key:
 * beyond DaxPay Open, which answers failures before the controller unsigned.
 */
export function openFailure(
  code: number,
  msg: string,
  reqId: string | undefined,
  key: KeyObject | null,
): Record<string, unknown> {
  if (!key) return { code, msg, ...(reqId !== undefined && { reqId }) };
  return { ...signOpenResult({ code, msg, reqId }, key) };
}

function present(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined && v !== null));
}
