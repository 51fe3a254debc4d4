import { AssistException } from '../../kernel/assist.exception';

/** How far ahead of the server clock a reqTime may be, in seconds (DaxPay's rule). */
export const MAX_CLOCK_AHEAD_SECONDS = 60;

/** reqTime as DaxPay sends it: a JSON integer or a decimal string, in seconds. */
export function parseReqTime(value: unknown): number {
  if (value === undefined || value === null || value === '') {
    throw AssistException.invalidField('reqTime', 'is required (Unix time in seconds)');
  }
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^\d{1,16}$/.test(value)) n = Number(value);
  else throw AssistException.invalidField('reqTime', 'must be an integer Unix time in seconds, as a number or a decimal string');
  if (!Number.isSafeInteger(n) || n < 0) {
    throw AssistException.invalidField('reqTime', 'must be an integer Unix time in seconds');
  }
  return n;
}

/** Throws 10006 when reqTime is outside [now - reqTimeout, now + 60]. */
export function checkReqTimeWindow(reqTime: number, reqTimeout: number, now: number): void {
  if (reqTime > now + MAX_CLOCK_AHEAD_SECONDS) {
    const hint = reqTime > 1e11 ? '; it looks like milliseconds, send seconds' : '';
    throw AssistException.invalidField(
      'reqTime',
      `is ${reqTime - now} s ahead of the server clock (at most ${MAX_CLOCK_AHEAD_SECONDS} s allowed${hint})`,
    );
  }
  if (reqTime < now - reqTimeout) {
    throw AssistException.invalidField(
      'reqTime',
      `is ${now - reqTime} s behind the server clock (at most ${reqTimeout} s allowed)`,
    );
  }
}
