import { createHash } from 'node:crypto';
import { openJson, sealingKey, sealJson } from '../kernel/seal';
import { isRecord } from '@unipay-assist/wire';
import { Merchant } from '../merchants/merchant';

/**
 * How the payer comes back from WeChat:
 * - `qr`: to the gateway's callback, which shows a "done" page (a PC page polls `auth`);
 * - `redirect`: to the gateway's callback, then 302 to the merchant's redirectUrl (jump);
 * - `page`: to the page at `authPath`, which calls `authAndSet` with the code (merchant-hosted, as DaxPay's H5);
 * - `open`: DaxPay Open's get-openid: to the gateway's callback, then 302 to the merchant's redirectUrl
 *   with the platform-signed `code`, `msg` and `openid` (this scene only: no other flow answers an openid in a URL).
 */
export type FlowMode = 'qr' | 'redirect' | 'page' | 'open';

/** Modes whose payer goes back to the merchant's redirectUrl when the flow ends. */
export function returnsToMerchant(flow: AuthFlow): boolean {
  return flow.mode === 'redirect' || flow.mode === 'open';
}

export type FlowStatus = 'waiting' | 'success' | 'failed';

/** The payer's identity as WeChat (openId, accessToken) or Alipay (userId and/or openId) gave it; refresh_token never kept. */
export interface FlowIdentity {
  openId?: string;
  accessToken?: string;
  /** The WeChat app the openId belongs to (own or the service provider's), where the dialect carries it. */
  wxAppId?: string;
  /** Alipay's user_id (apps not moved to open_id). */
  userId?: string;
  unionId?: string;
  snapshotUser?: boolean;
  /** The WeChat profile (sns/userinfo), fetched once with the exchange for a merchant that asked. */
  nickname?: string;
  headImgUrl?: string;
}

/** One authorization in progress or done, stored (sealed) under its queryCode. */
export interface AuthFlow {
  mode: FlowMode;
  channel: 'wechat_pay' | 'ali_pay' | 'douyin';
  status: FlowStatus;
  /** Merchant's return URL (redirect mode), already checked against its allow-list. */
  redirectUrl?: string;
  extParam?: string;
  /** DaxPay Open's returnPath, answered back in AuthResult. */
  returnPath?: string;
  identity?: FlowIdentity;
  /** Why the flow failed, in words for the merchant and the payer. */
  failure?: string;
  /** WeChat's errcode, when WeChat refused the code. */
  wxErrcode?: number;
  /** Epoch ms. */
  createdAt: number;
  /** Redirect mode: the digest of the browser-binding cookie the jump set (bindingDigest); the callback needs the cookie. */
  browser?: string;
  /** Failed code exchanges so far (WeChat or Alipay refused the code). */
  attempts?: number;
  /** Closed as failed after MAX_FAILED_EXCHANGES_PER_FLOW: no further exchange for this flow. */
  closed?: true;
}

/** What a state (or a signed jump link) points at: the flow's queryCode, and for a jump link its state. */
export interface FlowRef {
  queryCode: string;
  state?: string;
}

/** Storage keys: hashes, so the store never holds a queryCode, state or code in clear. */
export const flowKeys = {
  flow: (queryCode: string): `flow:${string}` => `flow:${digest(queryCode)}`,
  /** Which code completed (or is completing) the flow. */
  bound: (queryCode: string): string => `bound:${digest(queryCode)}`,
  state: (state: string): string => `state:${digest(state)}`,
  /** Which flow a code (of one WeChat app) went to: a code completes one flow only. */
  code: (wechatAppId: string, code: string): string => `code:${digest(`${wechatAppId}\u0000${code}`)}`,
  /** Callbacks seen at one state (a counter): callbacks per state are limited. */
  callbacks: (state: string): string => `hits:${digest(state)}`,
  /** A signed jump link already turned into a flow (by its sign), so a refresh resumes it. */
  jump: (merchant: Merchant, sign: string): string =>
    `jump:${digest(`${merchant.mchNo}\u0000${merchant.appId ?? ''}\u0000${sign.toLowerCase()}`)}`,
};

/** 32 hex characters of the code's SHA-256: what the flow is bound to, never the code. */
export function codeDigest(code: string): string {
  return createHash('sha256').update(code).digest('hex').slice(0, 32);
}

const PURPOSE = 'channel-auth v1';

/**
 * A stored record: the owning merchant in clear (so whoever reads it knows
 * whose key opens it, and a foreign merchant is turned away before any
 * decryption), the body sealed with a key derived from that merchant's
 * WeChat AppSecret, bound to the storage key and the owner.
 */
export function sealRecord(merchant: Merchant, key: string, body: AuthFlow | FlowRef): string {
  return JSON.stringify({
    m: merchant.mchNo,
    a: merchant.appId ?? null,
    s: sealJson(body, keyOf(merchant), aadOf(key, merchant)),
  });
}

/** Who owns a stored record, without opening it; undefined for anything not written by sealRecord. */
export function recordOwner(raw: string): { mchNo: string; appId?: string; sealed: string } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || typeof parsed.m !== 'string' || typeof parsed.s !== 'string') return undefined;
  if (parsed.a !== null && typeof parsed.a !== 'string') return undefined;
  return { mchNo: parsed.m, appId: parsed.a ?? undefined, sealed: parsed.s };
}

export function ownedBy(owner: { mchNo: string; appId?: string }, merchant: Merchant): boolean {
  return owner.mchNo === merchant.mchNo && (owner.appId ?? null) === (merchant.appId ?? null);
}

/** The flow, when `raw` is one and belongs to `merchant`; undefined otherwise (foreign, tampered, other secret). */
export function openFlow(raw: string | undefined, key: string, merchant: Merchant): AuthFlow | undefined {
  const body = openOwned(raw, key, merchant);
  if (!isRecord(body) || typeof body.mode !== 'string' || typeof body.status !== 'string') return undefined;
  return body as unknown as AuthFlow;
}

export function openRef(raw: string | undefined, key: string, merchant: Merchant): FlowRef | undefined {
  const body = openOwned(raw, key, merchant);
  if (!isRecord(body) || typeof body.queryCode !== 'string') return undefined;
  return typeof body.state === 'string'
    ? { queryCode: body.queryCode, state: body.state }
    : { queryCode: body.queryCode };
}

function openOwned(raw: string | undefined, key: string, merchant: Merchant): unknown {
  if (raw === undefined) return undefined;
  const owner = recordOwner(raw);
  if (!owner || !ownedBy(owner, merchant)) return undefined;
  return openJson(owner.sealed, keyOf(merchant), aadOf(key, merchant));
}

/**
 * From the merchant's own WeChat AppSecret, as before; a merchant without one
 * (service provider's app, third-party platform) seals with its first sign
 * secret, which is as secret and its own (a flow lives 5 minutes: a sign
 * secret rotated meanwhile leaves it unreadable, answered not_exist).
 */
function keyOf(merchant: Merchant): Buffer {
  const w = merchant.wechat;
  if (w.appSecret !== undefined) return sealingKey(w.appId, w.appSecret, PURPOSE);
  return sealingKey(`merchant:${merchant.mchNo}:${merchant.appId ?? ''}`, merchant.signSecrets[0] ?? '', PURPOSE);
}

function aadOf(key: string, merchant: Merchant): string {
  return `${key}\u0000${merchant.mchNo}\u0000${merchant.appId ?? ''}`;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}
