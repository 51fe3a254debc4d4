/**
 * DaxPay's canonical string: every present, non-null field except `sign`,
 * sorted by code point, `name=value` joined with `&`, no URL-encoding, then
 * every `"` and `\` removed and `&key=<secret>` appended.
 */

export type SignableValue = string | number | boolean | bigint | null | undefined | object;
export type SignableFields = Readonly<Record<string, SignableValue>>;

/** Renders a value as DaxPay's Java side would print it: strings as is, numbers in plain decimal. */
export function renderValue(value: SignableValue): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return renderNumber(value);
    case 'bigint':
    case 'boolean':
      return String(value);
    default:
      // Objects and arrays are not part of the wire contract; JSON keeps the
      // rendering deterministic so a hostile body still signs reproducibly.
      return JSON.stringify(value) ?? '';
  }
}

function renderNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  // Integers beyond 1e21 print in exponent form in JS; Java's BigDecimal
  // prints them plainly, so do the same.
  if (Number.isInteger(value) && Math.abs(value) >= 1e21) return BigInt(value).toString();
  return String(value);
}

/** The string that is hashed, without the `&key=` suffix. */
export function canonicalString(fields: SignableFields): string {
  const names = Object.keys(fields)
    .filter((name) => name !== 'sign' && fields[name] !== null && fields[name] !== undefined)
    // Default sort compares UTF-16 code units; for the ASCII names of the
    // contract this is code-point order.
    .sort();
  const joined = names.map((name) => `${name}=${renderValue(fields[name])}`).join('&');
  return joined.replace(/["\\]/g, '');
}

/** The full string that is hashed, including the secret. Never log it. */
export function signString(fields: SignableFields, secret: string): string {
  const body = canonicalString(fields);
  return body.length > 0 ? `${body}&key=${secret}` : `key=${secret}`;
}
