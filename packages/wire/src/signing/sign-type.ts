/** The sign algorithms DaxPay clients use. SM3 is the DaxPay 3.x addition. */
export const SIGN_TYPES = ['MD5', 'HMAC_SHA256', 'SM3'] as const;
export type SignType = (typeof SIGN_TYPES)[number];

export function isSignType(value: unknown): value is SignType {
  return typeof value === 'string' && (SIGN_TYPES as readonly string[]).includes(value);
}

/** Accepts the spellings seen in DaxPay configurations ("hmac_sha256", "HMAC-SHA256"). */
export function parseSignType(value: string): SignType | undefined {
  const normalized = value.trim().toUpperCase().replace(/-/g, '_');
  return isSignType(normalized) ? normalized : undefined;
}
