import { detectGeneration, DialectPreferences, WireFacts } from '../../../wire/src/dialects/generation-detection';
import { describeBadSign, otherVerifyingSign } from '../../../wire/src/dialects/sign-diagnosis';
import { checkReqTimeWindow, timeZoneHint } from '../../src/http/guards/request-window';
import {
  describeOffset,
  isTimeZone,
  parseZonedDateTime,
  zoneOffsetSeconds,
} from '../../../wire/src/signing/zoned-date-time';
import { FIXTURE, Generation } from '../../../../test/support/daxpay-wire';
import { daxpay3Reference } from '../../../../test/support/daxpay3-reference';
import { thrown } from '../../../../test/support/thrown';

const epoch = (body: Record<string, unknown> = {}): WireFacts => ({
  body: { reqTime: 1718000000, ...body },
  reqTimeShape: 'epoch',
});
const datetime = (body: Record<string, unknown> = {}): WireFacts => ({
  body: { reqTime: '2024-06-10 14:13:20', ...body },
  reqTimeShape: 'datetime',
});
const prefs = (p: Partial<DialectPreferences> = {}): DialectPreferences => ({
  configured: 'daxpay-2.0.6',
  signType: 'HMAC_SHA256',
  ...p,
});

describe('detectGeneration: the wire marker each rule reads, and what stays configuration', () => {
  it("2.0.0's version field: 2.0.0 first, then the 2.0 generation the merchant chose", () => {
    expect(detectGeneration(epoch({ version: '1.0' }), prefs())).toEqual({
      marker: 'version field',
      candidates: ['daxpay-2.0.0', 'daxpay-2.0.6'],
      refused: [],
      named: ['daxpay-2.0.0', 'daxpay-2.0.6'],
    });
    expect(detectGeneration(epoch({ version: '1.0' }), prefs({ configured: 'daxpay-2.0.1' })).candidates).toEqual([
      'daxpay-2.0.0',
      'daxpay-2.0.1',
    ]);
  });

  it('epoch reqTime alone cannot tell 2.0.1-2.0.5 from 2.0.6-2.0.8: configuration decides, default 2.0.6', () => {
    expect(detectGeneration(epoch(), prefs()).candidates).toEqual(['daxpay-2.0.6']);
    expect(detectGeneration(epoch(), prefs({ configured: 'daxpay-2.0.1' })).candidates).toEqual(['daxpay-2.0.1']);
    // A merchant configured for another family keeps its dialect as the last candidate (what configuration alone accepted before).
    expect(detectGeneration(epoch(), prefs({ configured: 'daxpay-3.0' })).candidates).toEqual([
      'daxpay-2.0.6',
      'daxpay-3.0',
    ]);
  });

  it('a datetime reqTime with mchNo/appId: 3.0 and the multi line, told apart by which sign string verifies; early or late multi is configuration (SM3 is late only)', () => {
    expect(detectGeneration(datetime({ mchNo: 'M1' }), prefs())).toEqual({
      marker: 'datetime reqTime with mchNo/appId',
      candidates: ['daxpay-3.0', 'daxpay-multi', 'daxpay-2.0.6'],
      refused: [],
      named: ['daxpay-3.0', 'daxpay-multi'],
    });
    expect(detectGeneration(datetime({ appId: 'A1' }), prefs({ configured: 'daxpay-multi-late' })).candidates).toEqual([
      'daxpay-3.0',
      'daxpay-multi-late',
      'daxpay-multi',
    ]);
    expect(detectGeneration(datetime({ mchNo: 'M1' }), prefs({ signType: 'SM3' })).candidates).toEqual([
      'daxpay-3.0',
      'daxpay-multi-late',
      'daxpay-2.0.6',
    ]);
  });

  it('a datetime reqTime without mchNo/appId names no generation: the configured dialect', () => {
    expect(detectGeneration(datetime(), prefs({ configured: 'daxpay-3.0' }))).toEqual({
      marker: 'none',
      candidates: ['daxpay-3.0'],
      refused: [],
      named: [],
    });
  });

  it('a pinned merchant: only its generations; what the wire names outside them is refused', () => {
    const pinned = prefs({ configured: 'daxpay-2.0.6', pinned: ['daxpay-2.0.6'] });
    expect(detectGeneration(epoch(), pinned).candidates).toEqual(['daxpay-2.0.6']);
    expect(detectGeneration(datetime({ mchNo: 'M1' }), pinned)).toEqual({
      marker: 'datetime reqTime with mchNo/appId',
      candidates: [],
      refused: ['daxpay-3.0', 'daxpay-multi'],
      named: ['daxpay-3.0', 'daxpay-multi'],
    });
    expect(detectGeneration(epoch({ version: '1.0' }), pinned).candidates).toEqual(['daxpay-2.0.6']);
    const both = prefs({ configured: 'daxpay-3.0', pinned: ['daxpay-3.0', 'daxpay-multi'] });
    expect(detectGeneration(datetime({ mchNo: 'M1' }), both).candidates).toEqual(['daxpay-3.0', 'daxpay-multi']);
    expect(detectGeneration(epoch(), both)).toEqual({
      marker: 'epoch reqTime',
      candidates: [],
      refused: ['daxpay-2.0.6'],
      named: ['daxpay-2.0.6'],
    });
    expect(detectGeneration(datetime(), both).candidates).toEqual(['daxpay-3.0', 'daxpay-multi']);
  });

  it('takes extra rules ahead of the built-in ones (the extension point for a generation with its own marker)', () => {
    const rule = {
      marker: 'reqId',
      generations: (w: WireFacts) => (w.body.reqId ? (['daxpay-3.0'] as const) : undefined),
    };
    expect(detectGeneration(epoch({ reqId: 'r1' }), prefs(), [rule]).candidates).toEqual([
      'daxpay-3.0',
      'daxpay-2.0.6',
    ]);
    expect(detectGeneration(epoch(), prefs(), [rule])).toEqual({
      marker: 'none',
      candidates: ['daxpay-2.0.6'],
      refused: [],
      named: [],
    });
  });
});

describe('describeBadSign: the 20052 message', () => {
  const dto = new Set(['clientIp', 'code', 'reqTime', 'sign', 'mchNo', 'appId', 'nonceStr']);
  const golden = (generation: Generation, signType: 'MD5' | 'HMAC_SHA256' = 'MD5'): Record<string, unknown> =>
    JSON.parse(
      FIXTURE.generations[generation].requests.find((r) => r.name === 'getWxAccessToken')!.bodies[signType],
    ) as Record<string, unknown>;

  it('names the generation and the fields of the sign string expected, never a value or the secret', () => {
    const body = golden('2.0.6-2.0.8');
    const msg = describeBadSign({
      body,
      dtoFields: dto,
      tried: ['daxpay-2.0.6'],
      refused: [],
      marker: 'epoch reqTime',
      signType: 'MD5',
      secrets: ['not-the-secret'],
    });
    expect(msg).toBe(
      'signature verification failed (MD5): the relay expected the daxpay-2.0.6 sign string over clientIp, code, reqTime ' +
        '(sorted name=value joined by &, every " and \\ removed, then &key=<secret>, no upper-casing), MD5 in lower-case hex',
    );
    expect(msg).not.toContain(String(body.code));
    expect(msg).not.toContain('not-the-secret');
  });

  it("says when the client signed with another sign type and the merchant's own secret", () => {
    const body = golden('2.0.6-2.0.8', 'MD5');
    const msg = describeBadSign({
      body,
      dtoFields: dto,
      tried: ['daxpay-2.0.6'],
      refused: [],
      marker: 'epoch reqTime',
      signType: 'HMAC_SHA256',
      secrets: [FIXTURE.secret],
    });
    expect(msg).toContain(
      "the sign verifies with the merchant's own secret as the daxpay-2.0.6 sign string with MD5: the client signs with MD5, the merchant is configured for HMAC_SHA256 (set signType to match)",
    );
  });

  it('says which refused generation would have verified for a pinned merchant', () => {
    const body = golden('multi');
    const msg = describeBadSign({
      body,
      dtoFields: dto,
      tried: [],
      refused: ['daxpay-3.0', 'daxpay-multi'],
      marker: 'datetime reqTime with mchNo/appId',
      pinned: ['daxpay-2.0.6'],
      signType: 'MD5',
      secrets: [FIXTURE.secret],
    });
    expect(msg).toBe(
      'signature verification failed: the merchant accepts daxpay-2.0.6 only (pinned), and this request is a daxpay-3.0 or daxpay-multi request (datetime reqTime with mchNo/appId); ' +
        "the sign verifies with the merchant's own secret as the daxpay-multi sign string with MD5: add daxpay-multi to the merchant's dialects to accept it",
    );
  });

  it('says when a 3.0 sign string verifies on a request that does not look like 3.0 (no mchNo/appId)', () => {
    const unsigned = { reqTime: '2024-06-10 14:13:20', code: 'C1', clientIp: '127.0.0.1' };
    const body = { ...unsigned, sign: daxpay3Reference.signRequest(unsigned, 'HMAC_SHA256', 's3cret') };
    const other = otherVerifyingSign({
      body,
      dtoFields: dto,
      tried: ['daxpay-2.0.6'],
      refused: [],
      marker: 'none',
      signType: 'HMAC_SHA256',
      secrets: ['s3cret'],
    });
    expect(other).toEqual({ dialect: 'daxpay-3.0', signType: 'HMAC_SHA256' });
    const msg = describeBadSign({
      body,
      dtoFields: dto,
      tried: ['daxpay-2.0.6'],
      refused: [],
      marker: 'none',
      signType: 'HMAC_SHA256',
      secrets: ['s3cret'],
    });
    expect(msg).toContain(
      'as the daxpay-3.0 sign string with HMAC_SHA256, but the request does not look like a daxpay-3.0 request (none)',
    );
    expect(msg).toContain('the relay expected the daxpay-2.0.6 sign string over clientIp, code, reqTime');
  });

  it('adds nothing when no generation and no sign type verifies (a wrong secret)', () => {
    const body = golden('2.0.6-2.0.8');
    expect(
      otherVerifyingSign({
        body,
        dtoFields: dto,
        tried: ['daxpay-2.0.6'],
        refused: [],
        marker: 'epoch reqTime',
        signType: 'MD5',
        secrets: ['wrong'],
      }),
    ).toBeUndefined();
  });
});

describe('reqTime off by whole hours reads as a time zone', () => {
  const NOW = 1_718_000_000;

  it('a multi client whose JVM runs in UTC: 8 h behind, read as China time, the client writes UTC+00:00', () => {
    const e = thrown(() => checkReqTimeWindow(NOW - 8 * 3600, 300, NOW, 60, { zone: 'Asia/Shanghai' }));
    expect(e.message).toBe(
      'reqTime: is 28800 s behind the server clock (at most 300 s allowed; that is 8 h behind, which looks like a time zone: ' +
        'the relay reads a yyyy-MM-dd HH:mm:ss reqTime as Asia/Shanghai time (UTC+08:00), the client seems to write UTC+00:00 local time; ' +
        "set the merchant's reqTimeZone to the client's zone)",
    );
  });

  it('±10 minutes of drift still reads as a whole number of hours; 11 minutes does not', () => {
    expect(timeZoneHint(-(3600 + 600), NOW, { zone: 'Asia/Shanghai' })).toContain('1 h behind');
    expect(timeZoneHint(3 * 3600 - 600, NOW, { zone: 'UTC' })).toContain(
      '3 h ahead, which looks like a time zone: the relay reads a yyyy-MM-dd HH:mm:ss reqTime as UTC time (UTC+00:00), the client seems to write UTC+03:00',
    );
    expect(timeZoneHint(-(3600 + 660), NOW, { zone: 'Asia/Shanghai' })).toBe('');
    expect(timeZoneHint(-1200, NOW, { zone: 'Asia/Shanghai' })).toBe('');
  });

  it('Unix seconds carry no zone: the hint says the clock or the conversion is off', () => {
    const e = thrown(() => checkReqTimeWindow(NOW + 3600, 300, NOW));
    expect(e.message).toBe(
      "reqTime: is 3600 s ahead of the server clock (at most 60 s allowed; that is 1 h ahead, which looks like a time zone: Unix seconds carry no zone, so the client's clock or its conversion to seconds is off by 1 h)",
    );
  });
});

describe('zoned reqTime', () => {
  it('reads yyyy-MM-dd HH:mm:ss in an IANA zone', () => {
    expect(parseZonedDateTime('2024-06-10 14:13:20', 'Asia/Shanghai')).toBe(1718000000);
    expect(parseZonedDateTime('2024-06-10 06:13:20', 'UTC')).toBe(1718000000);
    // Berlin in June is UTC+2 (summer time), in January UTC+1.
    expect(parseZonedDateTime('2024-06-10 08:13:20', 'Europe/Berlin')).toBe(1718000000);
    expect(parseZonedDateTime('2024-01-10 08:13:20', 'Europe/Berlin')).toBe(Date.UTC(2024, 0, 10, 7, 13, 20) / 1000);
    expect(parseZonedDateTime('2024-06-10T06:13:20', 'UTC')).toBeUndefined();
  });

  it('knows IANA names and offsets', () => {
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    expect(zoneOffsetSeconds('America/New_York', 1718000000)).toBe(-4 * 3600);
    expect(zoneOffsetSeconds('Asia/Kolkata', 1718000000)).toBe(5.5 * 3600);
    expect(describeOffset(-4 * 3600)).toBe('UTC-04:00');
    expect(describeOffset(5.5 * 3600)).toBe('UTC+05:30');
  });
});
