/**
 * reqTime as DaxPay 2.0 sends it: a JSON integer or a decimal string, in
 * seconds. The one rule for its shape: the DTO's validator and the guard's
 * window check both read it through here.
 */
export function reqTimeSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === 'string' && /^\d{1,16}$/.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}
