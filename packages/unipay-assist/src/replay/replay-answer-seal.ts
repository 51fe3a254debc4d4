import { JsonSeal, sealingKey } from '../kernel/seal';
import type { Merchant } from '../merchants/merchant';

const PURPOSE = 'replay-answer v1';

/**
 * AES-256-GCM key for one merchant's stored answers, derived (HKDF, as the
 * exchange cache's) from the sign secret that verified the request: a Redis
 * dump alone does not yield the openIds and tokens inside, and every instance
 * that accepts the same signed request derives the same key, mid-rotation too.
 */
export function replaySealKey(merchant: Merchant, secret: string): Buffer {
  return sealingKey(`merchant:${merchant.mchNo}:${merchant.appId ?? ''}`, secret, PURPOSE);
}

/**
 * How a stored answer is written and read back: bound to its store key and
 * route and to the key derived from the verifying sign secret, so it opens
 * on that route and under that secret only (SEALED for Redis and host
 * stores, BOUND_IN_PROCESS for the memory store).
 */
export type ReplayAnswerCodec = JsonSeal;
