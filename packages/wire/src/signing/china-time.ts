/**
 * DaxPay's `yyyy-MM-dd HH:mm:ss` (`DatePattern.NORM_DATETIME_PATTERN`) read
 * as China time. DaxPay parses reqTime into a zone-less LocalDateTime and
 * compares it with `LocalDateTime.now()` on a server running with
 * TZ=Asia/Shanghai, i.e. UTC+8; China has had no DST since 1991, and before
 * then the wire did not exist, so a fixed +8 is exact for every real request.
 *
 * Pure arithmetic (days from the proleptic Gregorian civil date), so neither
 * the machine's TZ nor Intl nor Date's two-digit-year quirk plays a part.
 */

const CHINA_OFFSET_SECONDS = 8 * 3600;
const SECONDS_PER_DAY = 86_400;
// ASCII digits only (\d without the u flag), the whole string, no trailing
// newline: JS `$` without the m flag matches only at the very end.
const PATTERN = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** Earliest and latest instants the pattern can express (year 0001 to 9999; `yyyy` is year-of-era, so no year 0). */
export const CHINA_DATETIME_MIN_EPOCH = toEpoch(1, 1, 1, 0, 0, 0);
export const CHINA_DATETIME_MAX_EPOCH = toEpoch(9999, 12, 31, 23, 59, 59);

/**
 * Epoch seconds of a `yyyy-MM-dd HH:mm:ss` China-time string, or undefined
 * unless it is exactly that shape and a real calendar instant: month 01–12,
 * a day that exists in that month (leap years Gregorian), hour 00–23,
 * minute and second 00–59 (no leap second, no 24:00).
 *
 * Stricter than DaxPay's Jackson (ResolverStyle.SMART, which turns
 * 2025-02-30 into 2025-02-28): a client sending an impossible date has a bug,
 * and guessing which instant it meant would put a wrong time in the window.
 */
export function parseChinaDateTime(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const match = PATTERN.exec(text);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  if (year < 1 || month < 1 || month > 12) return undefined;
  if (day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return toEpoch(year, month, day, hour, minute, second);
}

/**
 * `yyyy-MM-dd HH:mm:ss` in China time for an instant in epoch seconds; a
 * fraction is truncated toward the past, as formatting a LocalDateTime drops
 * its nanoseconds. RangeError outside years 0001–9999 or for non-finite input.
 */
export function formatChinaDateTime(epochSeconds: number): string {
  if (!Number.isFinite(epochSeconds)) throw new RangeError('epochSeconds must be finite');
  const whole = Math.floor(epochSeconds);
  if (whole < CHINA_DATETIME_MIN_EPOCH || whole > CHINA_DATETIME_MAX_EPOCH) {
    throw new RangeError('epochSeconds is outside years 0001-9999');
  }
  const local = whole + CHINA_OFFSET_SECONDS;
  const days = Math.floor(local / SECONDS_PER_DAY);
  const secondOfDay = local - days * SECONDS_PER_DAY;
  const [year, month, day] = civilFromDays(days);
  const hour = Math.floor(secondOfDay / 3600);
  const minute = Math.floor((secondOfDay % 3600) / 60);
  const second = secondOfDay % 60;
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)} ${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}`;
}

function toEpoch(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  return daysFromCivil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second - CHINA_OFFSET_SECONDS;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

// Howard Hinnant's days_from_civil / civil_from_days: days since 1970-01-01
// in the proleptic Gregorian calendar, with March as the first month so the
// leap day falls at the end of the computational year.
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function civilFromDays(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return [year, month, day];
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
