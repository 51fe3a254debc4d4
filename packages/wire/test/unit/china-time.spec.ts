import fc from 'fast-check';
import {
  CHINA_DATETIME_MAX_EPOCH,
  CHINA_DATETIME_MIN_EPOCH,
  formatChinaDateTime,
  parseChinaDateTime,
} from '../../src/signing/china-time';

const HOUR = 3600;

/** Oracle: the same wall time read as UTC+8 through Date's UTC arithmetic (year set separately: Date.UTC maps 0–99 to 19xx). */
function oracle(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const date = new Date(Date.UTC(2000, mo - 1, d, h, mi, s));
  date.setUTCFullYear(y, mo - 1, d);
  return date.getTime() / 1000 - 8 * HOUR;
}

describe('parseChinaDateTime', () => {
  it.each([
    ['1970-01-01 08:00:00', 0],
    ['1970-01-01 00:00:00', -8 * HOUR],
    ['1970-01-01 07:59:59', -1],
    ['2025-06-01 12:00:00', 1748750400], // the vectors' reqTime: 04:00:00 UTC
    ['2025-06-01 12:00:01', 1748750401],
    ['2038-01-19 11:14:08', 2 ** 31], // past the 32-bit edge
    ['2024-12-31 23:59:59', oracle(2024, 12, 31, 23, 59, 59)],
    ['2025-01-01 00:00:00', oracle(2025, 1, 1, 0, 0, 0)],
  ])('reads %p as %p', (text, epoch) => {
    expect(parseChinaDateTime(text)).toBe(epoch);
  });

  it.each(['2024-02-29 12:00:00', '2000-02-29 00:00:00', '1600-02-29 23:59:59', '0004-02-29 00:00:00'])(
    'takes the leap day %p',
    (text) => {
      const epoch = parseChinaDateTime(text);
      expect(epoch).toBeDefined();
      expect(formatChinaDateTime(epoch as number)).toBe(text);
    },
  );

  it.each(['2025-02-29 12:00:00', '1900-02-29 00:00:00', '2100-02-29 00:00:00', '2023-02-29 00:00:00'])(
    'refuses %p (not a leap year)',
    (text) => {
      expect(parseChinaDateTime(text)).toBeUndefined();
    },
  );

  it.each([
    '2025-02-30 00:00:00',
    '2025-04-31 00:00:00',
    '2025-06-31 00:00:00',
    '2025-09-31 00:00:00',
    '2025-11-31 00:00:00',
    '2025-01-32 00:00:00',
    '2025-00-10 00:00:00',
    '2025-13-01 00:00:00',
    '2025-01-00 00:00:00',
    '2025-01-01 24:00:00',
    '2025-01-01 23:60:00',
    '2025-01-01 23:59:60',
    '0000-01-01 00:00:00',
  ])('refuses the impossible %p', (text) => {
    expect(parseChinaDateTime(text)).toBeUndefined();
  });

  it.each([
    '',
    '2025-06-01',
    '12:00:00',
    '2025-06-01T12:00:00',
    '2025-06-01 12:00:00Z',
    '2025-06-01 12:00:00+08:00',
    '2025-06-01 12:00:00.000',
    '2025-06-01 12:00:00 ',
    ' 2025-06-01 12:00:00',
    '2025-06-01 12:00:00\n',
    '2025-06-01  12:00:00',
    '2025-6-01 12:00:00',
    '2025-06-1 12:00:00',
    '2025-06-01 2:00:00',
    '25-06-01 12:00:00',
    '+2025-06-01 12:00:00',
    '12025-06-01 12:00:00',
    '2025/06/01 12:00:00',
    '２０２５-06-01 12:00:00', // full-width digits
    '٢٠٢٥-06-01 12:00:00', // Arabic-Indic digits
    '2025-06-01 12:00:00\u0000',
    '1748750400',
  ])('refuses the wrong format %p', (text) => {
    expect(parseChinaDateTime(text)).toBeUndefined();
  });

  it.each([
    1748750400,
    null,
    undefined,
    new Date(0),
    ['2025-06-01 12:00:00'],
    { toString: () => '2025-06-01 12:00:00' },
  ])('refuses the non-string %p', (value) => {
    expect(parseChinaDateTime(value)).toBeUndefined();
  });

  it('agrees with UTC+8 Date arithmetic on every valid date', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
        (y, mo, d, h, mi, s) => {
          const p = (n: number, w: number) => String(n).padStart(w, '0');
          const text = `${p(y, 4)}-${p(mo, 2)}-${p(d, 2)} ${p(h, 2)}:${p(mi, 2)}:${p(s, 2)}`;
          const real = new Date(Date.UTC(2000, 0, 1));
          real.setUTCFullYear(y, mo - 1, d);
          const exists = real.getUTCMonth() === mo - 1 && real.getUTCDate() === d;
          expect(parseChinaDateTime(text)).toBe(exists ? oracle(y, mo, d, h, mi, s) : undefined);
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe('formatChinaDateTime', () => {
  it.each([
    [0, '1970-01-01 08:00:00'],
    [-1, '1970-01-01 07:59:59'],
    [-8 * HOUR, '1970-01-01 00:00:00'],
    [-8 * HOUR - 1, '1969-12-31 23:59:59'],
    [1748750400, '2025-06-01 12:00:00'],
    [16 * HOUR - 1, '1970-01-01 23:59:59'],
    [16 * HOUR, '1970-01-02 00:00:00'],
  ])('writes %p as %p', (epoch, text) => {
    expect(formatChinaDateTime(epoch)).toBe(text);
  });

  it('truncates a fraction toward the past', () => {
    expect(formatChinaDateTime(1748750400.999)).toBe('2025-06-01 12:00:00');
    expect(formatChinaDateTime(-0.5)).toBe('1970-01-01 07:59:59');
  });

  it('writes the first and last instant of the pattern and refuses beyond them', () => {
    expect(formatChinaDateTime(CHINA_DATETIME_MIN_EPOCH)).toBe('0001-01-01 00:00:00');
    expect(formatChinaDateTime(CHINA_DATETIME_MAX_EPOCH)).toBe('9999-12-31 23:59:59');
    expect(parseChinaDateTime('0001-01-01 00:00:00')).toBe(CHINA_DATETIME_MIN_EPOCH);
    expect(parseChinaDateTime('9999-12-31 23:59:59')).toBe(CHINA_DATETIME_MAX_EPOCH);
    expect(() => formatChinaDateTime(CHINA_DATETIME_MIN_EPOCH - 1)).toThrow(RangeError);
    expect(() => formatChinaDateTime(CHINA_DATETIME_MAX_EPOCH + 1)).toThrow(RangeError);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('refuses %p', (value) => {
    expect(() => formatChinaDateTime(value)).toThrow(RangeError);
  });

  it('round-trips every second of the range', () => {
    fc.assert(
      fc.property(fc.integer({ min: CHINA_DATETIME_MIN_EPOCH, max: CHINA_DATETIME_MAX_EPOCH }), (epoch) => {
        expect(parseChinaDateTime(formatChinaDateTime(epoch))).toBe(epoch);
      }),
      { numRuns: 5000 },
    );
  });

  it('does not depend on the process time zone', () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'America/New_York';
      const ny = [formatChinaDateTime(1748750400), parseChinaDateTime('2025-03-09 15:30:00')];
      process.env.TZ = 'Asia/Kolkata';
      const kolkata = [formatChinaDateTime(1748750400), parseChinaDateTime('2025-03-09 15:30:00')];
      expect(ny).toEqual(['2025-06-01 12:00:00', oracle(2025, 3, 9, 15, 30, 0)]);
      expect(kolkata).toEqual(ny);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});
