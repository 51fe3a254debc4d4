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

/**
 * How a stored answer is written and read back: bound to its store key and
 * route (`bound`) and to the key derived from the verifying sign secret, so
 * it opens on that route and under that secret only. `open` answers
 * undefined when it does not.
 */
export interface ReplayAnswerCodec {
  seal(answer: Record<string, unknown>, key: Buffer, bound: string): string;
  open(stored: string, key: Buffer, bound: string): unknown;
}

/** For a store outside the process (Redis): AES-256-GCM, the binding as associated data. */
export const SEALED_ANSWERS: ReplayAnswerCodec = {
  seal: (answer, key, bound) => sealJson(answer, key, bound),
  open: (stored, key, bound) => openJson(stored, key, bound),
};

/**
 * For the memory store: nothing leaves the process, so there is no dump to
 * protect and no cipher to pay for (about 10 µs per answer). The binding and
 * the key are written in front of the JSON and must match exactly to open:
 * the same answers open, on the same routes, under the same secrets, as
 * sealed ones. JSON, not the object itself, so an answer stays as it was
 * when stored whatever a host's interceptor does to the object it returned.
 */
export const IN_PROCESS_ANSWERS: ReplayAnswerCodec = {
  seal: (answer, key, bound) => inProcessPrefix(key, bound) + JSON.stringify(answer),
  open: (stored, key, bound) => {
    const prefix = inProcessPrefix(key, bound);
    return stored.startsWith(prefix) ? (JSON.parse(stored.slice(prefix.length)) as unknown) : undefined;
  },
};

// Derived keys are cached per app and secret (sealingKey), so one Buffer serves many answers: encode it once.
const keyTexts = new WeakMap<Buffer, string>();

function inProcessPrefix(key: Buffer, bound: string): string {
  let text = keyTexts.get(key);
  if (text === undefined) {
    text = key.toString('base64');
    keyTexts.set(key, text);
  }
  // Route names hold no NUL and the key is 32 bytes: one prefix per (binding, key), never a prefix of another's.
  return `${bound}\u0000${text}\u0000`;
}
