import { MaybePromise } from '../../kernel/maybe-promise';
import { createHash } from 'node:crypto';
import { AssistRequestContext } from '../../kernel/request-context';
import { Merchant } from '../../merchants/merchant';
import { replaySealKey } from '../../replay/replay-answer-seal';
import { ReplayAnswers } from '../../replay/replay-answers';

/**
 * The store's key for one signed request: hashed, so the store never holds a
 * usable sign and keys have one size. Not the route: one signed body has one
 * meaning, so the body accepted on one route is a replay on every other (no
 * DaxPay sign string covers the route, and two routes' DTOs may sign the
 * same fields, e.g. auth and authAndSet).
 */
export function replayKey(merchant: Merchant, sign: string): string {
  return createHash('sha256')
    .update(`${merchant.mchNo}\u0000${merchant.appId ?? ''}\u0000${sign.toLowerCase()}`)
    .digest('base64url');
}

/** How long a signed request is remembered: until its reqTime window closes (at least a second). */
export function replayTtlMs(reqTime: number, reqTimeout: number, now: number): number {
  return Math.max(1, reqTime + reqTimeout - now + 1) * 1000;
}

/**
 * The guard's replay step, the merchant's way. `reject`: a signed request is
 * accepted once per window, a second sighting is 10007 (DaxPay's
 * REPETITIVE_OPERATION_ERROR). `answer` (default): the request either runs
 * (its claim goes to the request context for the interceptor to settle) or
 * gets the answer it already got (also in the context: the interceptor
 * returns it without running the handler).
 */
export function checkReplay(
  replay: ReplayAnswers,
  ctx: AssistRequestContext,
  merchant: Merchant,
  request: { route: string; sign: string; reqTime: number },
): MaybePromise<void> {
  const key = replayKey(merchant, request.sign);
  const windowEnds = request.reqTime + merchant.reqTimeout;
  if (merchant.replay === 'reject')
    return replay.claimOnceNow(key, windowEnds) ? undefined : replay.claimOnce(key, windowEnds);
  const secret = merchant.signSecrets[ctx.secretIndex ?? 0] ?? merchant.signSecrets[0];
  const entering = {
    key,
    route: request.route,
    windowEnds,
    sealKey: replaySealKey(merchant, secret),
    traceId: ctx.traceId,
  };
  const now = replay.enterNow(entering);
  if (now) {
    ctx.replay = now;
    return undefined;
  }
  return replay.enter(entering).then((entry) => {
    ctx.replay = entry;
  });
}
