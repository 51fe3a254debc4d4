import { AssistErrorCode } from '../../../wire/src/error-codes';
import { reqTimeSeconds } from '../../src/http/dto/req-time-value';
import { checkReqTimeWindow, MAX_CLOCK_AHEAD_SECONDS } from '../../src/http/guards/request-window';
import { thrown } from '../../../../test/support/thrown';

const NOW = 1_718_000_000;

describe('reqTime', () => {
  describe('reqTimeSeconds (the one shape rule, shared by the DTO and the guard)', () => {
    it.each([
      [1718000000, 1718000000],
      ['1718000000', 1718000000],
      ['123457711', 123457711],
      [0, 0],
      // The multi-merchant line and 3.0: China time (UTC+8).
      ['2024-06-10 14:13:20', 1718000000],
    ])('reads %j as %d', (input, expected) => {
      expect(reqTimeSeconds(input)).toBe(expected);
    });

    it.each([
      undefined,
      null,
      '',
      1.5,
      -1,
      '1.0',
      '-5',
      '1e9',
      'abc',
      true,
      {},
      [],
      2 ** 53,
      Number.NaN,
      Infinity,
      '2024-02-30 00:00:00',
      '2024-06-10T14:13:20',
    ])('refuses %j', (input) => {
      expect(reqTimeSeconds(input)).toBeUndefined();
    });
  });

  describe('checkReqTimeWindow (reqTimeout 300)', () => {
    it('allows a reqTime exactly 60 s ahead', () => {
      expect(MAX_CLOCK_AHEAD_SECONDS).toBe(60);
      expect(() => checkReqTimeWindow(NOW + 60, 300, NOW)).not.toThrow();
    });

    it('rejects 61 s ahead, naming the field and the limit', () => {
      const e = thrown(() => checkReqTimeWindow(NOW + 61, 300, NOW));
      expect(e.code).toBe(AssistErrorCode.INVALID_FIELD);
      expect(e.message).toBe('reqTime: is 61 s ahead of the server clock (at most 60 s allowed)');
    });

    it('allows exactly reqTimeout behind and now itself', () => {
      expect(() => checkReqTimeWindow(NOW - 300, 300, NOW)).not.toThrow();
      expect(() => checkReqTimeWindow(NOW, 300, NOW)).not.toThrow();
    });

    it('rejects one second more than reqTimeout behind', () => {
      const e = thrown(() => checkReqTimeWindow(NOW - 301, 300, NOW));
      expect(e.code).toBe(AssistErrorCode.INVALID_FIELD);
      expect(e.message).toBe('reqTime: is 301 s behind the server clock (at most 300 s allowed)');
    });

    it("honours the merchant's own reqTimeout", () => {
      expect(() => checkReqTimeWindow(NOW - 10, 10, NOW)).not.toThrow();
      expect(thrown(() => checkReqTimeWindow(NOW - 11, 10, NOW)).message).toMatch(/at most 10 s allowed/);
      expect(() => checkReqTimeWindow(NOW - 3600, 3600, NOW)).not.toThrow();
    });

    it('hints at milliseconds when the value looks like them', () => {
      const e = thrown(() => checkReqTimeWindow(NOW * 1000, 300, NOW));
      expect(e.message).toMatch(/ahead of the server clock .*looks like milliseconds, send seconds/);
    });

    it('does not hint at milliseconds for a merely early clock', () => {
      expect(thrown(() => checkReqTimeWindow(NOW + 3600, 300, NOW)).message).not.toMatch(/milliseconds/);
    });
  });
});
