import { createSign, createVerify, KeyObject } from 'node:crypto';
import { isRecord } from '../is-record';

/**
 * DaxPay Open (4.x) signing, both directions (docs/daxpay-open.md, "Sign"):
 * the JSON value flattened into `path=value` pairs (object members `a.b`,
 * array items `a[0]`, nulls skipped, strings as they are, numbers and
 * booleans as printed, empty strings kept), sorted by UTF-16 code unit (Java's
 * TreeMap order, which is JS's default string order), the top-level `sign`
 * dropped in any case, joined with `&`. No encoding, no key appended: the
 * signature is SHA256withRSA over the UTF-8 bytes, base64.
 */
export function openSignString(value: Record<string, unknown>): string {
  const pairs: [string, string][] = [];
  for (const [key, member] of Object.entries(value)) {
    if (key.toLowerCase() === 'sign') continue;
    flatten(key, member, pairs, 0);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** Nesting deeper than any DaxPay model: a hostile body must not overflow the stack. */
export const OPEN_MAX_DEPTH = 32;

export class OpenSignDepthError extends Error {
  constructor() {
    super(`value nested deeper than ${OPEN_MAX_DEPTH} levels`);
    this.name = 'OpenSignDepthError';
  }
}

function flatten(path: string, value: unknown, out: [string, string][], depth: number): void {
  if (value === null || value === undefined) return;
  if (depth > OPEN_MAX_DEPTH) throw new OpenSignDepthError();
  if (Array.isArray(value)) {
    value.forEach((item, i) => flatten(`${path}[${i}]`, item, out, depth + 1));
    return;
  }
  if (isRecord(value)) {
    for (const [key, member] of Object.entries(value)) flatten(`${path}.${key}`, member, out, depth + 1);
    return;
  }
  out.push([path, leafText(value)]);
}

/** JSON leaves: strings as they are, numbers and booleans as printed (anything else cannot come from JSON). */
function leafText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '';
}

/** The sign string of an answer as it travelled: built from its raw text, as the SDKs verify (never a re-serialised object). */
export function openSignStringOfRaw(raw: string): string {
  const parsed: unknown = JSON.parse(raw);
  if (!isRecord(parsed)) throw new SyntaxError('answer is not a JSON object');
  return openSignString(parsed);
}

/** base64 SHA256withRSA (PKCS#1 v1.5) of the sign string's UTF-8 bytes. */
export function openSign(signString: string, privateKey: KeyObject): string {
  return createSign('sha256').update(signString, 'utf8').sign(privateKey, 'base64');
}

/**
 * Index of the first public key that verifies `sign` over the sign string
 * (several during a rotation), or -1. Every key is tried, so timing does not
 * say which one matched; a sign that is not base64 never verifies.
 */
export function openVerify(signString: string, sign: unknown, publicKeys: readonly KeyObject[]): number {
  if (typeof sign !== 'string' || sign.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(sign)) return -1;
  const signature = Buffer.from(sign, 'base64');
  let matched = -1;
  for (let i = 0; i < publicKeys.length; i++) {
    if (verifiesWith(signString, signature, publicKeys[i]) && matched < 0) matched = i;
  }
  return matched;
}

/** One key's verdict; a key that cannot verify (malformed signature length) says no rather than throwing. */
function verifiesWith(signString: string, signature: Buffer, key: KeyObject): boolean {
  try {
    return createVerify('sha256').update(signString, 'utf8').verify(key, signature);
  } catch {
    return false;
  }
}

/** A copy of `fields` with `sign` set over the others: what a client sends, and what the relay answers. */
export function withOpenSign<T extends Record<string, unknown>>(
  fields: T,
  privateKey: KeyObject,
): T & { sign: string } {
  const { sign: _ignored, ...rest } = fields as T & { sign?: unknown };
  return { ...(rest as T), sign: openSign(openSignString(rest), privateKey) };
}

/** The get-openid return's sign string: over `code`, `msg` and camel-case `openId` (the URL names it `openid`). */
export function openReturnSignString(result: { code: number; msg: string; openId?: string }): string {
  return openSignString({ code: result.code, msg: result.msg, openId: result.openId });
}
