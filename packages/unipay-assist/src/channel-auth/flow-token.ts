import { randomBytes } from 'node:crypto';

// RFC 4648 base32, lower-cased: letters and 2-7, inside DaxPay's own
// queryCode alphabet ([a-z0-9], RandomUtil.randomString) and WeChat's state
// alphabet ([a-zA-Z0-9], at most 128 bytes).
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** Characters in a queryCode or state: 26 × 5 = 130 random bits, beyond guessing. */
export const FLOW_TOKEN_LENGTH = 26;

/** A fresh unguessable token (queryCode or OAuth state) from the system CSPRNG. */
export function mintFlowToken(): string {
  const bytes = randomBytes(FLOW_TOKEN_LENGTH);
  let out = '';
  // One byte per character, 5 of its bits used: uniform, as 256 is a multiple of 32.
  for (const b of bytes) out += ALPHABET[b & 31];
  return out;
}

/** True for a string shaped like a token minted here (a cheap first filter before any lookup). */
export function isFlowToken(value: unknown): value is string {
  return typeof value === 'string' && value.length === FLOW_TOKEN_LENGTH && /^[a-z2-7]+$/.test(value);
}
