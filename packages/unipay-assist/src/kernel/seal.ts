import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { pooledRandomBytes } from './random-pool';

// The one AES-256-GCM seal of everything the relay stores that holds a token or an
// identity (the exchange cache, hosted-flow sessions, stored answers for replay):
// a Redis dump alone yields none of them, and a value copied to another key does not open.

const VERSION = 'v1';
const sealingKeys = new Map<string, Buffer>();

/**
 * AES-256-GCM key for sealed values of one channel app, derived (HKDF-SHA256)
 * from its AppSecret: a Redis dump alone does not yield access tokens, and a
 * rotated AppSecret turns old entries into misses.
 */
export function sealingKey(wechatAppId: string, appSecret: string, purpose = 'exchange-cache v1'): Buffer {
  // HKDF on every exchange cost more than the AES-GCM seal itself: derive once per app, secret and purpose.
  const id = `${wechatAppId}\u0000${appSecret}\u0000${purpose}`;
  let key = sealingKeys.get(id);
  if (!key) {
    if (sealingKeys.size >= 1024) sealingKeys.clear();
    // `purpose` is HKDF's info: each store of sealed values gets its own key from one AppSecret.
    key = Buffer.from(hkdfSync('sha256', appSecret, `unipay-assist:${wechatAppId}`, purpose, 32));
    sealingKeys.set(id, key);
  }
  return key;
}

/**
 * Any JSON value sealed with AES-256-GCM as `v1.<iv>.<ciphertext>.<tag>`,
 * `aad` (the storage key) bound in as associated data, so a value copied to
 * another key does not open. Shared by every store that keeps tokens.
 */
export function sealJson(value: unknown, key: Buffer, aad: string): string {
  // A 96-bit random nonce per seal (NIST SP 800-38D, 8.2.2): unique per key with overwhelming probability.
  const iv = pooledRandomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(JSON.stringify(value)), cipher.final()]);
  return [
    VERSION,
    iv.toString('base64url'),
    body.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
  ].join('.');
}

/** The sealed JSON value, or undefined when it does not open (other key or aad, tampered, foreign format). */
export function openJson(sealed: string, key: Buffer, aad: string): unknown {
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parts[1], 'base64url'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(parts[3], 'base64url'));
    const text = Buffer.concat([decipher.update(Buffer.from(parts[2], 'base64url')), decipher.final()]).toString(
      'utf8',
    );
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * How a store keeps values that hold a token or an identity, bound to their
 * storage key (`aad`) and to the key derived from a secret: `open` answers
 * undefined unless both match.
 */
export interface JsonSeal {
  seal(value: unknown, key: Buffer, aad: string): string;
  open(stored: string, key: Buffer, aad: string): unknown;
}

/** For a store outside the process (Redis, a host's own): AES-256-GCM, so a dump alone yields nothing. */
export const SEALED: JsonSeal = { seal: sealJson, open: openJson };

/**
 * For a store inside the process (the module's memory stores): nothing
 * leaves the process, whose heap holds the derived keys anyway, so there is
 * no dump to protect and no cipher to pay for (about 10 µs per value). The
 * binding and the key are written in front of the JSON and must match
 * exactly to open: the same values open, under the same keys and bindings,
 * as sealed ones. JSON, not the object, so a stored value cannot change
 * after it was stored.
 */
export const BOUND_IN_PROCESS: JsonSeal = {
  seal: (value, key, aad) => boundPrefix(key, aad) + JSON.stringify(value),
  open: (stored, key, aad) => {
    const prefix = boundPrefix(key, aad);
    return stored.startsWith(prefix) ? (JSON.parse(stored.slice(prefix.length)) as unknown) : undefined;
  },
};

// Derived keys are cached per app and secret (sealingKey), so one Buffer serves many values: encode it once.
const keyTexts = new WeakMap<Buffer, string>();

function boundPrefix(key: Buffer, aad: string): string {
  let text = keyTexts.get(key);
  if (text === undefined) {
    text = key.toString('base64');
    keyTexts.set(key, text);
  }
  // Storage keys and route names hold no NUL and the key is 32 bytes: one prefix per (aad, key), never a prefix of another's.
  return `${aad}\u0000${text}\u0000`;
}
