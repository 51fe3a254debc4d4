import { parseChinaDateTime } from '@unipay-assist/wire';

/**
 * reqTime in seconds since the epoch, in the shapes DaxPay clients send it:
 * 2.0 writes Unix seconds (a JSON integer or a decimal string); the
 * multi-merchant line and 3.0 write `yyyy-MM-dd HH:mm:ss` in China time.
 * The wire is self-describing here, so every shape is recognised whatever
 * the merchant's dialect. The one rule for reqTime's shape: the DTO's
 * validator and the guard's window check both read it through here.
 */
export function reqTimeSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  if (/^\d{1,16}$/.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return parseChinaDateTime(value);
}
