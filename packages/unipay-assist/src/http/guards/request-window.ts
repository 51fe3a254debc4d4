import { AssistException } from '../../kernel/assist.exception';

/** How far ahead of the server clock a reqTime may be, in seconds (DaxPay's rule). */
export const MAX_CLOCK_AHEAD_SECONDS = 60;

/**
 * Throws 10006 when reqTime is outside [now - reqTimeout, now + maxAhead]
 * (inclusive at both ends). maxAhead is 60 s, or the dialect's own (DaxPay
 * 3.0: reqTimeout, a symmetric window).
 */
export function checkReqTimeWindow(reqTime: number, reqTimeout: number, now: number, maxAhead = MAX_CLOCK_AHEAD_SECONDS): void {
  if (reqTime > now + maxAhead) {
    const hint = reqTime > 1e11 ? '; it looks like milliseconds, send seconds' : '';
    throw AssistException.invalidField('reqTime', `is ${reqTime - now} s ahead of the server clock (at most ${maxAhead} s allowed${hint})`);
  }
  if (reqTime < now - reqTimeout) {
    throw AssistException.invalidField('reqTime', `is ${now - reqTime} s behind the server clock (at most ${reqTimeout} s allowed)`);
  }
}
