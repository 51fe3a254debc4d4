import { ASSIST_ERROR_DAXPAY_NAMES, ASSIST_ERROR_DESCRIPTIONS, AssistErrorCode } from '../../src/error-codes';

/**
 * Every number DaxPay's own tables use (docs/daxpay-dialects.md, "Numbers DaxPay uses"): bootx
 * CommonErrorCode 2.0/3.0, DaxPayErrorCode/DaxPayCommonErrorCode of every release and stored variant,
 * IamErrorCode, BspErrorCodes, NoticeCenterErrorCode and the rest that share the number space.
 */
const DAXPAY_NUMBERS = new Set<number>([
  -1,
  0,
  1,
  1001,
  1002,
  1003,
  2000,
  9001,
  ...range(10000, 10019),
  10021,
  10022,
  10023,
  10030,
  ...range(10041, 10045),
  10051,
  10052,
  10060,
  ...range(10071, 10074),
  10080,
  10401,
  10404,
  10405,
  10415,
  10500,
  10505,
  10506,
  10507,
  10512,
  20000,
  20011,
  20012,
  20013,
  ...range(20021, 20025),
  20030,
  ...range(20041, 20045),
  20051,
  20052,
  20060,
  20071,
  20080,
  20081,
  20082,
  20091,
  21001,
  21014,
  21015,
  21020,
  ...range(21022, 21029),
  21100,
  21101,
  ...range(21200, 21202),
  ...range(21300, 21303),
  ...range(21310, 21312),
  ...range(21320, 21322),
  21330,
  21331,
  21340,
  21341,
  21400,
  21401,
  ...range(21410, 21412),
  21420,
  21421,
  ...range(21430, 21444),
  22016,
  ...range(24010, 24012),
  ...range(24020, 24023),
  24030,
  24031,
  24041,
  ...range(28100, 28102),
  ...range(28104, 28106),
  ...range(28814, 28817),
  28819,
  28827,
  30000,
  60121,
]);

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe('envelope codes and DaxPay (issue 11)', () => {
  const codes = Object.entries(AssistErrorCode);

  it.each(codes)("%s (%d) is DaxPay's own code, named, or the relay's own in 29000-29999", (_name, code) => {
    if (code in ASSIST_ERROR_DAXPAY_NAMES) expect(DAXPAY_NUMBERS.has(code)).toBe(true);
    else {
      expect(code).toBeGreaterThanOrEqual(29000);
      expect(code).toBeLessThanOrEqual(29999);
      expect(DAXPAY_NUMBERS.has(code)).toBe(false);
    }
  });

  it('gives every code one number and one description', () => {
    const values = codes.map(([, v]) => v);
    expect(new Set(values).size).toBe(values.length);
    expect(Object.keys(ASSIST_ERROR_DESCRIPTIONS).map(Number).sort()).toEqual([...values].sort());
  });

  it("keeps DaxPay's meaning where the number is DaxPay's", () => {
    expect(AssistErrorCode).toMatchObject({
      SUCCESS: 0,
      INTERNAL: 10001, // SYSTEM_ERROR
      BAD_JSON: 10005, // PARSE_PARAMETERS_ERROR
      INVALID_FIELD: 10006, // VALIDATE_PARAMETERS_ERROR
      REPLAYED: 10007, // REPETITIVE_OPERATION_ERROR
      BUSINESS_FAILED: 20000, // PAY_FAILURE / UNCLASSIFIED_ERROR
      UNKNOWN_MERCHANT: 20023, // CONFIG_NOT_ENABLE "未找到指定的应用配置"
      BAD_SIGN: 20052, // VERIFY_SIGN_FAILED
    });
  });
});
