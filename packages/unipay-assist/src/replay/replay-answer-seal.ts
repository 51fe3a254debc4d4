import { openJson, sealingKey, sealJson } from '../kernel/seal';
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

/** The signed answer, sealed with the store key bound in (a value copied to another key does not open). */
export function sealReplayAnswer(answer: Record<string, unknown>, key: Buffer, storeKey: string): string {
  return sealJson(answer, key, storeKey);
}

/** The stored answer, or undefined when it does not open (another secret, tampered, foreign). */
export function openReplayAnswer(sealed: string, key: Buffer, storeKey: string): unknown {
  return openJson(sealed, key, storeKey);
}
