import { pooledRandomByte } from './random-pool';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 12 random alphanumerics, as DaxPay's traceId. 62 does not divide 256, so reject the tail bytes to stay uniform. */
export function newTraceId(length = 12): string {
  let out = '';
  while (out.length < length) {
    const byte = pooledRandomByte();
    if (byte < 248) out += ALPHABET[byte % 62];
  }
  return out;
}
