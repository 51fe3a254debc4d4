import { randomFillSync } from 'node:crypto';

// CSPRNG bytes drawn 4 KiB at a time. On the request path one randomBytes()
// call per request (a trace id, a 12-byte AES-GCM nonce) cost more than the
// bytes themselves: the job machinery behind each call showed as 2-7 % of the
// gateway's CPU under load. Every byte is handed out once. Only values that
// are public or need uniqueness, not secrecy, are drawn here (trace ids, GCM
// nonces); secret tokens call randomBytes themselves.
const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let offset = POOL_SIZE;

function refillFor(n: number): void {
  if (offset + n > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
}

/** One random byte. */
export function pooledRandomByte(): number {
  refillFor(1);
  return pool[offset++];
}

/** `n` (at most 4096) random bytes in a buffer of their own. */
export function pooledRandomBytes(n: number): Buffer {
  refillFor(n);
  const out = Buffer.from(pool.subarray(offset, offset + n));
  offset += n;
  return out;
}
