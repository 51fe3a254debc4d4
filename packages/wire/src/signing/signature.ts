import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { SignableFields, signString } from './sign-string';
import { SignType } from './sign-type';

/** Lowercase hex digest of DaxPay's sign string with the given algorithm. */
export function sign(fields: SignableFields, signType: SignType, secret: string): string {
  return digestHex(signString(fields, secret), signType, secret);
}

/**
 * Lowercase hex digest of an already built sign string (UTF-8). HMAC is keyed
 * with the secret as configured; the 2.0 and 3.0 wires share this step.
 */
export function digestHex(input: string, signType: SignType, secret: string): string {
  switch (signType) {
    case 'MD5':
      return createHash('md5').update(input, 'utf8').digest('hex');
    case 'HMAC_SHA256':
      return createHmac('sha256', secret).update(input, 'utf8').digest('hex');
    case 'SM3':
      return createHash('sm3').update(input, 'utf8').digest('hex');
    default:
      throw new Error(`unsupported sign type ${String(signType)}`);
  }
}

/**
 * Constant-time, case-insensitive comparison of a received sign with the
 * expected lowercase hex. Lengths differ only for garbage, which may fail fast.
 */
export function signEquals(expected: string, received: string): boolean {
  // Hex only: latin1 keeps the low byte of each character, so without this
  // check a look-alike such as 'š' (U+0161) would compare equal to 'a'.
  if (!/^[0-9a-fA-F]*$/.test(received)) return false;
  const a = Buffer.from(expected, 'latin1');
  const b = Buffer.from(received.toLowerCase(), 'latin1');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Verifies `fields.sign` against every secret (several during a rotation).
 * Returns the index of the secret that matched, or -1.
 */
export function verify(fields: SignableFields, signType: SignType, secrets: readonly string[]): number {
  return matchSecret(fields.sign, secrets, (secret) => sign(fields, signType, secret));
}

/**
 * Index of the first secret whose expected sign equals `received` (see
 * `signEquals`), or -1; an absent or empty `received` never matches.
 */
export function matchSecret(
  received: unknown,
  secrets: readonly string[],
  expectedFor: (secret: string) => string,
): number {
  if (typeof received !== 'string' || received.length === 0) return -1;
  let matched = -1;
  // Check every secret even after a match so timing does not reveal which one matched.
  for (let i = 0; i < secrets.length; i++) {
    if (signEquals(expectedFor(secrets[i]), received) && matched < 0) matched = i;
  }
  return matched;
}

/** Returns a copy of `fields` with `sign` set: the helper clients and tests use. */
export function withSign<T extends SignableFields>(
  fields: T,
  signType: SignType,
  secret: string,
): T & { sign: string } {
  const { sign: _ignored, ...rest } = fields as T & { sign?: unknown };
  return { ...(rest as T), sign: sign(rest, signType, secret) };
}
