import { parseChinaDateTime } from './china-time';

/**
 * DaxPay's `yyyy-MM-dd HH:mm:ss` read as wall-clock time in any IANA zone, for
 * merchants whose servers write reqTime in local time outside China (a JVM in
 * a container runs in UTC unless told otherwise). China time stays the
 * arithmetic fast path of china-time.ts; other zones ask Intl, which Node
 * ships with the full ICU time zone database, so no package is needed for two
 * questions: is this a zone, and what is its offset at an instant.
 */

export const CHINA_TIME_ZONE = 'Asia/Shanghai';
const CHINA_OFFSET_SECONDS = 8 * 3600;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** True when `zone` is an IANA time zone name this runtime knows (`Asia/Shanghai`, `UTC`, `Europe/Berlin`). */
export function isTimeZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone.trim() === '') return false;
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at `epochSeconds`, in seconds (east positive; DST included). */
export function zoneOffsetSeconds(zone: string, epochSeconds: number): number {
  if (zone === CHINA_TIME_ZONE) return CHINA_OFFSET_SECONDS;
  const parts: Record<string, string> = {};
  for (const p of formatterFor(zone).formatToParts(new Date(epochSeconds * 1000))) parts[p.type] = p.value;
  const year = parts.era === 'BC' ? 1 - Number(parts.year) : Number(parts.year);
  const wallAsUtc =
    Date.UTC(
      year,
      Number(parts.month) - 1,
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
      Number(parts.second),
    ) / 1000;
  return Math.round(wallAsUtc - Math.floor(epochSeconds));
}

/**
 * Epoch seconds of a `yyyy-MM-dd HH:mm:ss` wall-clock time in `zone`, or
 * undefined unless the text is exactly that shape and a real calendar date
 * (the rules of parseChinaDateTime). A time in a DST gap or overlap reads with
 * the offset in force just after it, as java.time resolves a LocalDateTime.
 */
export function parseZonedDateTime(text: unknown, zone: string): number | undefined {
  const china = parseChinaDateTime(text);
  if (china === undefined || zone === CHINA_TIME_ZONE) return china;
  const wallAsUtc = china + CHINA_OFFSET_SECONDS;
  const first = wallAsUtc - zoneOffsetSeconds(zone, wallAsUtc);
  return wallAsUtc - zoneOffsetSeconds(zone, first);
}

/** `UTC+08:00`, `UTC-03:30`, `UTC+00:00`. */
export function describeOffset(offsetSeconds: number): string {
  const sign = offsetSeconds < 0 ? '-' : '+';
  const abs = Math.abs(offsetSeconds);
  const h = String(Math.floor(abs / 3600)).padStart(2, '0');
  const m = String(Math.floor((abs % 3600) / 60)).padStart(2, '0');
  return `UTC${sign}${h}:${m}`;
}
