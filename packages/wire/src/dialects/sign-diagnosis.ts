import { SIGN_TYPES, SignType } from '../signing/sign-type';
import { dialectFor } from './dialects';
import { DialectName, SECRET_DIALECT_NAMES } from './wire-dialect';

/**
 * What a 20052 says, so an operator sees which sign string the relay expected
 * and whether the client signed another generation's way (or with another
 * sign type) with the merchant's own secret. It names generations, sign types
 * and field names only: never a value (a field may be an OAuth code) and
 * never a string that holds the secret. The extra verifications run only for
 * a request that already failed, and accept nothing.
 */

export interface BadSignFacts {
  body: Readonly<Record<string, unknown>>;
  /** The route DTO's field names (what the sign covers). */
  dtoFields: ReadonlySet<string>;
  /** The generations tried, in order; the first is the one the relay expected. */
  tried: readonly DialectName[];
  /** Generations the wire named that the merchant's pinning refused. */
  refused: readonly DialectName[];
  /** Every generation the wire named (tried first among the alternatives). */
  named?: readonly DialectName[];
  /** The wire fact detection read (`epoch reqTime` …). */
  marker: string;
  pinned?: readonly DialectName[];
  signType: SignType;
  secrets: readonly string[];
}

const FALLBACK_ORDER: readonly DialectName[] = [
  'daxpay-2.0.6',
  'daxpay-multi',
  'daxpay-3.0',
  'daxpay-multi-late',
  'daxpay-2.0.1',
  ...SECRET_DIALECT_NAMES.filter(
    (d) => !['daxpay-2.0.6', 'daxpay-multi', 'daxpay-3.0', 'daxpay-multi-late', 'daxpay-2.0.1'].includes(d),
  ),
];

/** How each generation builds its sign string, in words. */
export function signStringRule(dialect: DialectName): string {
  const base = 'sorted name=value joined by &, every " and \\ removed, then &key=<secret>';
  switch (dialect) {
    case 'daxpay-3.0':
      return `${base}, the whole string upper-cased`;
    case 'daxpay-2.0.0':
      return `${base} (version included)`;
    case 'daxpay-multi':
      return `${base} (mchNo/appId left out when the SDK filled them from its config)`;
    default:
      return `${base}, no upper-casing`;
  }
}

/** The field names `dialect` signs for this body (present, non-null, sorted, without `sign`). */
export function signedFieldNames(
  dialect: DialectName,
  body: Readonly<Record<string, unknown>>,
  dtoFields: ReadonlySet<string>,
): string[] {
  const fields = dialectFor(dialect).signedFields(body, dtoFields);
  return Object.keys(fields)
    .filter((k) => k !== 'sign' && fields[k] !== undefined && fields[k] !== null)
    .sort();
}

/** `daxpay-2.0.6 sign string over clientIp, code, reqTime (sorted … no upper-casing), HMAC_SHA256 lower-case hex`. */
export function expectedSignString(
  dialect: DialectName,
  facts: Pick<BadSignFacts, 'body' | 'dtoFields' | 'signType'>,
): string {
  const names = signedFieldNames(dialect, facts.body, facts.dtoFields);
  return `the ${dialect} sign string over ${names.length > 0 ? names.join(', ') : '(no fields)'} (${signStringRule(dialect)}), ${facts.signType} in lower-case hex`;
}

/** Another generation or sign type under which the sign verifies with the merchant's own secrets, if any. */
export function otherVerifyingSign(facts: BadSignFacts): { dialect: DialectName; signType: SignType } | undefined {
  const signTypes = [facts.signType, ...SIGN_TYPES.filter((t) => t !== facts.signType)];
  // The generations expected first (a sign-type mix-up reads best under them), then those the wire named, then
  // the rest, 2.0.0 last: without a version field its sign string is 2.0.6's, and naming 2.0.0 would mislead.
  const dialects = [...new Set([...facts.tried, ...(facts.named ?? []), ...facts.refused, ...FALLBACK_ORDER])];
  for (const signType of signTypes) {
    for (const dialect of dialects) {
      if (signType === facts.signType && facts.tried.includes(dialect)) continue;
      const d = dialectFor(dialect);
      const fields = d.signedFields(facts.body, facts.dtoFields);
      // Objects are no contract value (the guard refuses them); rendering a deep one could overflow the stack.
      if (Object.values(fields).some((v) => typeof v === 'object' && v !== null)) continue;
      if (d.verify(fields, signType, facts.secrets) >= 0) return { dialect, signType };
    }
  }
  return undefined;
}

/** The 20052 message: what was expected, and what would have verified. */
export function describeBadSign(facts: BadSignFacts): string {
  const parts: string[] = [];
  if (facts.tried.length === 0) {
    parts.push(
      `signature verification failed: the merchant accepts ${facts.pinned?.join(', ') ?? 'no generation'} only (pinned), ` +
        `and this request is a ${facts.refused.join(' or ')} request (${facts.marker})`,
    );
  } else {
    parts.push(
      `signature verification failed (${facts.signType}): the relay expected ${expectedSignString(facts.tried[0], facts)}`,
    );
    if (facts.tried.length > 1) parts.push(`also tried: ${facts.tried.slice(1).join(', ')}`);
  }
  const other = otherVerifyingSign(facts);
  if (other) parts.push(explainOther(other, facts));
  return parts.join('; ');
}

function explainOther(other: { dialect: DialectName; signType: SignType }, facts: BadSignFacts): string {
  const as = `the sign verifies with the merchant's own secret as the ${other.dialect} sign string with ${other.signType}`;
  if (other.signType !== facts.signType)
    return `${as}: the client signs with ${other.signType}, the merchant is configured for ${facts.signType} (set signType to match)`;
  if (facts.pinned && !facts.pinned.includes(other.dialect))
    return `${as}: add ${other.dialect} to the merchant's dialects to accept it`;
  return `${as}, but the request does not look like a ${other.dialect} request (${facts.marker}): check the client's reqTime and mchNo/appId`;
}
