import { AssistException } from '../../kernel/assist.exception';
import { describeOffset, zoneOffsetSeconds } from '@unipay-assist/wire';

/** How far ahead of the server clock a reqTime may be, in seconds (DaxPay's rule). */
export const MAX_CLOCK_AHEAD_SECONDS = 60;

/** A whole number of hours off, give or take this much clock drift, reads as a time zone. */
const ZONE_SLACK_SECONDS = 600;

/**
 * How the relay read reqTime, for the time-zone hint: `zone` for a
 * `yyyy-MM-dd HH:mm:ss` reqTime (read as wall-clock time there), absent for
 * Unix seconds (which carry no zone).
 */
export interface ReqTimeReading {
  zone?: string;
}

/**
 * Throws 10006 when reqTime is outside [now - reqTimeout, now + maxAhead]
 * (inclusive at both ends). maxAhead is 60 s, or the strictest of the
 * candidate generations' own (DaxPay 3.0: reqTimeout, a symmetric window).
 * A reqTime off by a whole number of hours (±10 minutes) says it looks like
 * a time zone, and which zone the relay reads it in.
 */
export function checkReqTimeWindow(
  reqTime: number,
  reqTimeout: number,
  now: number,
  maxAhead = MAX_CLOCK_AHEAD_SECONDS,
  reading: ReqTimeReading = {},
): void {
  if (reqTime > now + maxAhead) {
    const hint =
      reqTime > 1e11 ? '; it looks like milliseconds, send seconds' : timeZoneHint(reqTime - now, now, reading);
    throw AssistException.invalidField(
      'reqTime',
      `is ${reqTime - now} s ahead of the server clock (at most ${maxAhead} s allowed${hint})`,
    );
  }
  if (reqTime < now - reqTimeout) {
    throw AssistException.invalidField(
      'reqTime',
      `is ${now - reqTime} s behind the server clock (at most ${reqTimeout} s allowed${timeZoneHint(reqTime - now, now, reading)})`,
    );
  }
}

/**
 * `; that is 8 h behind, which looks like a time zone: …`, or '' when the
 * offset is not a whole number of hours (within the slack) or under one hour.
 */
export function timeZoneHint(deltaSeconds: number, now: number, reading: ReqTimeReading): string {
  const hours = Math.round(deltaSeconds / 3600);
  if (hours === 0 || Math.abs(hours) > 26 || Math.abs(deltaSeconds - hours * 3600) > ZONE_SLACK_SECONDS) return '';
  const way = hours > 0 ? 'ahead' : 'behind';
  const head = `; that is ${Math.abs(hours)} h ${way}, which looks like a time zone`;
  if (reading.zone === undefined) {
    return `${head}: Unix seconds carry no zone, so the client's clock or its conversion to seconds is off by ${Math.abs(hours)} h`;
  }
  const relayOffset = zoneOffsetSeconds(reading.zone, now);
  const clientOffset = relayOffset + hours * 3600;
  return (
    `${head}: the relay reads a yyyy-MM-dd HH:mm:ss reqTime as ${reading.zone} time (${describeOffset(relayOffset)}), ` +
    `the client seems to write ${describeOffset(clientOffset)} local time; set the merchant's reqTimeZone to the client's zone`
  );
}
