import { sealingKey } from '../kernel/seal';
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
