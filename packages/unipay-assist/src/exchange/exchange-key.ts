import { createHash } from 'node:crypto';
import { JsonSeal, SEALED } from '../kernel/seal';

/**
 * Cache key of one exchange: the WeChat appId, a digest of the scope (who may
 * read the answer) and the SHA-256 of the code. The code itself never reaches
 * the cache, logs or Redis. The scope is in the key (and, through the key, in
 * the sealed value's associated data), so an identity exchanged for one
 * merchant is a cache miss for any other, and the other's own WeChat call
 * meets WeChat's "code been used".
 */
export function exchangeKey(wechatAppId: string, code: string, scope: string): string {
  return `${wechatAppId}:${scopeDigestOf(scope)}:${createHash('sha256').update(code).digest('hex')}`;
}

// A merchant's direct scope comes back on every one of its exchanges: hash it once. A hosted flow's scope
// serves one flow, so it is hashed when used and not kept.
const directScopeDigests = new Map<string, string>();

function scopeDigestOf(scope: string): string {
  if (!scope.endsWith('\u0000direct')) return digestOfScope(scope);
  let digest = directScopeDigests.get(scope);
  if (digest === undefined) {
    // Bounded by the merchants configured; a host store that keeps adding merchants costs a rehash now and then.
    if (directScopeDigests.size >= 10_000) directScopeDigests.clear();
    digest = digestOfScope(scope);
    directScopeDigests.set(scope, digest);
  }
  return digest;
}

function digestOfScope(scope: string): string {
  return createHash('sha256').update(scope).digest('base64url').slice(0, 22);
}

/**
 * Who may read an exchange's answer: one merchant (mchNo and appId), and
 * what for: `direct` (the merchant's own relay calls, getWxAccessToken and
 * auth with a code alone) or one hosted flow (`flow:<id>`), so a code a
 * hosted flow consumed is not redeemable by a direct call, not even the
 * same merchant's.
 */
export function exchangeScope(owner: { mchNo: string; appId?: string }, use: 'direct' | `flow:${string}`): string {
  return `${owner.mchNo}\u0000${owner.appId ?? ''}\u0000${use}`;
}

/** What is cached: openId and access token (and when it lapses), WeChat's unionid and snapshot flag; never refresh_token. */
export interface CachedExchange {
  openId: string;
  accessToken: string;
  /** Epoch ms when the cached entry (and at the latest the token) lapses. */
  expiresAt: number;
  unionId?: string;
  /** WeChat's `is_snapshotuser`: a virtual openId from a snapshot page. */
  snapshotUser?: boolean;
}

/**
 * `v1.<iv>.<ciphertext>.<tag>` (SEALED), the cache key bound in as associated
 * data; a memory cache's values are bound the same way without the cipher.
 */
export function sealExchange(value: CachedExchange, key: Buffer, cacheKey: string, seal: JsonSeal = SEALED): string {
  const plain: Record<string, unknown> = { o: value.openId, a: value.accessToken, e: value.expiresAt };
  if (value.unionId !== undefined) plain.u = value.unionId;
  if (value.snapshotUser) plain.s = 1;
  return seal.seal(plain, key, cacheKey);
}

/** The cached result, or undefined when it does not open (other key, tampered, foreign format). */
export function openExchange(
  sealed: string,
  key: Buffer,
  cacheKey: string,
  seal: JsonSeal = SEALED,
): CachedExchange | undefined {
  const v = seal.open(sealed, key, cacheKey) as
    { o?: unknown; a?: unknown; e?: unknown; u?: unknown; s?: unknown } | undefined;
  if (typeof v !== 'object' || v === null) return undefined;
  if (typeof v.o !== 'string' || typeof v.a !== 'string' || typeof v.e !== 'number') return undefined;
  const value: CachedExchange = { openId: v.o, accessToken: v.a, expiresAt: v.e };
  if (typeof v.u === 'string') value.unionId = v.u;
  if (v.s === 1) value.snapshotUser = true;
  return value;
}
