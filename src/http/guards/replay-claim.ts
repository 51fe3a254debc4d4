import { createHash } from 'node:crypto';
import { AssistException } from '../../kernel/assist.exception';
import { AssistErrorCode } from '../../kernel/error-codes';
import { Merchant } from '../../merchants/merchant';
import { ReplayStore } from '../../replay/replay.store';

/** The store's key for one signed request: hashed, so the store never holds a usable sign and keys have one size. */
export function replayKey(merchant: Merchant, sign: string): string {
  return createHash('sha256').update(`${merchant.mchNo}\u0000${merchant.appId ?? ''}\u0000${sign.toLowerCase()}`).digest('base64url');
}

/** How long a signed request is remembered: until its reqTime window closes (at least a second). */
export function replayTtlMs(reqTime: number, reqTimeout: number, now: number): number {
  return Math.max(1, reqTime + reqTimeout - now + 1) * 1000;
}

/** Remembers (merchant, sign) until the window closes; a second sighting is 20061. */
export async function claimOnce(store: ReplayStore, merchant: Merchant, sign: string, reqTime: number, now: number): Promise<void> {
  if (!(await store.claim(replayKey(merchant, sign), replayTtlMs(reqTime, merchant.reqTimeout, now)))) {
    throw new AssistException(AssistErrorCode.REPLAYED, 'replayed request: this signed request was already accepted');
  }
}
