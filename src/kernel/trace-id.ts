import { randomFillSync } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// Random bytes drawn from the CSPRNG 4 KiB at a time: one randomBytes call per
// request cost ~7% of the gateway's CPU under load (the job machinery, not the bytes).
// Every byte is used once; trace ids are public, so a pool is no secrecy concern.
const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let offset = POOL_SIZE;

function randomByte(): number {
  if (offset === POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  return pool[offset++];
}

/** 12 random alphanumerics, as DaxPay's traceId. 62 does not divide 256, so reject the tail bytes to stay uniform. */
export function newTraceId(length = 12): string {
  let out = '';
  while (out.length < length) {
    const byte = randomByte();
    if (byte < 248) out += ALPHABET[byte % 62];
  }
  return out;
}
