import { formatChinaDateTime, parseChinaDateTime } from './china-time';

// An ISO instant with an explicit offset (DaxPay Open binds reqTime as an OffsetDateTime, leniently).
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * reqTime as DaxPay Open reads it: the Beijing `yyyy-MM-dd HH:mm:ss` literal,
 * or an ISO instant with an offset; its epoch seconds and its literal (the
 * sign string carries the literal), or undefined.
 */
export function openReqTime(value: unknown): { epoch: number; literal: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const literal = parseChinaDateTime(value);
  if (literal !== undefined) return { epoch: literal, literal: value };
  if (!ISO_WITH_OFFSET.test(value)) return undefined;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) return undefined;
  const epoch = Math.floor(ms / 1000);
  try {
    return { epoch, literal: formatChinaDateTime(epoch) };
  } catch {
    return undefined;
  }
}
