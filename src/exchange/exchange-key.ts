import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Cache key of one exchange: the WeChat appId and the SHA-256 of the code.
 * The code itself never reaches the cache, logs or Redis.
 */
export function exchangeKey(wechatAppId: string, code: string): string {
  return `${wechatAppId}:${createHash('sha256').update(code).digest('hex')}`;
}

/** What is cached: openId and access token only (and when it lapses); never refresh_token. */
export interface CachedExchange {
  openId: string;
  accessToken: string;
  /** Epoch ms when the cached entry (and at the latest the token) lapses. */
  expiresAt: number;
}

const VERSION = 'v1';
const sealingKeys = new Map<string, Buffer>();

/**
 * AES-256-GCM key for cached results of one WeChat app, derived (HKDF-SHA256)
 * from its AppSecret: a Redis dump alone does not yield access tokens, and a
 * rotated AppSecret turns old entries into misses.
 */
export function sealingKey(wechatAppId: string, appSecret: string): Buffer {
  // HKDF on every exchange cost more than the AES-GCM seal itself: derive once per app and secret.
  const id = `${wechatAppId}\u0000${appSecret}`;
  let key = sealingKeys.get(id);
  if (!key) {
    if (sealingKeys.size >= 1024) sealingKeys.clear();
    key = Buffer.from(hkdfSync('sha256', appSecret, `unipay-assist:${wechatAppId}`, 'exchange-cache v1', 32));
    sealingKeys.set(id, key);
  }
  return key;
}

/** `v1.<iv>.<ciphertext>.<tag>`; the cache key is bound in as associated data. */
export function sealExchange(value: CachedExchange, key: Buffer, cacheKey: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(cacheKey));
  const body = Buffer.concat([cipher.update(JSON.stringify({ o: value.openId, a: value.accessToken, e: value.expiresAt })), cipher.final()]);
  return [VERSION, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** The cached result, or undefined when it does not open (other key, tampered, foreign format). */
export function openExchange(sealed: string, key: Buffer, cacheKey: string): CachedExchange | undefined {
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parts[1], 'base64url'));
    decipher.setAAD(Buffer.from(cacheKey));
    decipher.setAuthTag(Buffer.from(parts[3], 'base64url'));
    const text = Buffer.concat([decipher.update(Buffer.from(parts[2], 'base64url')), decipher.final()]).toString('utf8');
    const v = JSON.parse(text) as { o?: unknown; a?: unknown; e?: unknown };
    if (typeof v.o !== 'string' || typeof v.a !== 'string' || typeof v.e !== 'number') return undefined;
    return { openId: v.o, accessToken: v.a, expiresAt: v.e };
  } catch {
    return undefined;
  }
}
