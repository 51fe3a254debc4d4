import { canonicalString, signString } from '../../src/signing/sign-string';
import { sign, signEquals, verify, withSign } from '../../src/signing/signature';

// The seed contract's public vectors (docs/wire.md, docs/vectors/seed.json; secret 123456).
const REQUEST = {
  code: '061Xy0ll2Qq1Fh4qGxml2Z0Tdl1Xy0lX',
  clientIp: '127.0.0.1',
  nonceStr: 'a1b2c3d4',
  reqTime: 1718000000,
};
const RESPONSE = { accessToken: 'ACCESS_TOKEN_X', code: 0, openId: 'oOPENID123', resTime: 1718000001 };

describe('DaxPay signature', () => {
  it('builds the SPEC request string', () => {
    expect(signString(REQUEST, '123456')).toBe(
      'clientIp=127.0.0.1&code=061Xy0ll2Qq1Fh4qGxml2Z0Tdl1Xy0lX&nonceStr=a1b2c3d4&reqTime=1718000000&key=123456',
    );
  });

  it.each([
    ['MD5', '4b30d1c3d53488e912db532b0741c057'],
    ['HMAC_SHA256', '3bdfb8fde85210cd543530b3d74f663047f2b40a512ab8e8b218d6b558a0a446'],
  ] as const)('signs the SPEC request with %s', (type, expected) => {
    expect(sign(REQUEST, type, '123456')).toBe(expected);
  });

  it('builds the SPEC response string', () => {
    expect(signString(RESPONSE, '123456')).toBe(
      'accessToken=ACCESS_TOKEN_X&code=0&openId=oOPENID123&resTime=1718000001&key=123456',
    );
  });

  it.each([
    ['MD5', '2a3197e22634ae3425736b8d5e29f8ee'],
    ['HMAC_SHA256', 'c4f3513dc6796a54dc621bf5bfce821195dd7bf50dddcc6f69ebfddca94506eb'],
  ] as const)('signs the SPEC response with %s', (type, expected) => {
    expect(sign(RESPONSE, type, '123456')).toBe(expected);
  });

  it('signs SM3 as lowercase hex over the same string', () => {
    const s = sign(REQUEST, 'SM3', '123456');
    expect(s).toMatch(/^[0-9a-f]{64}$/);
    expect(s).not.toBe(sign(REQUEST, 'HMAC_SHA256', '123456'));
  });

  it('string reqTime signs the same as the number', () => {
    expect(sign({ ...REQUEST, reqTime: '1718000000' }, 'MD5', '123456')).toBe('4b30d1c3d53488e912db532b0741c057');
  });

  it('keeps empty strings, drops null, undefined and sign', () => {
    expect(canonicalString({ b: '', a: null, c: undefined, sign: 'x', d: 1 })).toBe('b=&d=1');
  });

  it('removes " and \\ after joining', () => {
    expect(canonicalString({ state: 'a"b\\c' })).toBe('state=abc');
  });

  it('sorts by code point: uppercase before lowercase', () => {
    expect(canonicalString({ b: 1, B: 2, a: 3 })).toBe('B=2&a=3&b=1');
  });

  it('verifies case-insensitively and with any rotated secret', () => {
    const signed = withSign(REQUEST, 'HMAC_SHA256', 'new-secret');
    expect(verify({ ...signed, sign: signed.sign.toUpperCase() }, 'HMAC_SHA256', ['new-secret'])).toBe(0);
    expect(verify(signed, 'HMAC_SHA256', ['old', 'new-secret'])).toBe(1);
    expect(verify(signed, 'HMAC_SHA256', ['old'])).toBe(-1);
    expect(verify({ ...REQUEST, sign: '' }, 'HMAC_SHA256', ['123456'])).toBe(-1);
  });

  it('rejects a sign of the wrong length or alphabet', () => {
    const good = sign(REQUEST, 'MD5', '123456');
    expect(signEquals(good, good.slice(1))).toBe(false);
    expect(signEquals(good, `${good.slice(0, -1)}g`)).toBe(false);
  });

  it('refuses a non-hex look-alike of a valid sign (latin1 would keep only the low byte of each character)', () => {
    const good = 'a'.repeat(64);
    expect(signEquals(good, good)).toBe(true);
    expect(signEquals(good, `\u0161${'a'.repeat(63)}`)).toBe(false);
    expect(signEquals(good, good.toUpperCase())).toBe(true);
  });
});
