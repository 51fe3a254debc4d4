import {
  ALIPAY_BUSY_SUB_CODES,
  ALIPAY_CODE_SUB_CODES,
  ALIPAY_SUB_CODE_REASONS,
  describeAlipayError,
} from '../../src/alipay/alipay-errors';

describe('Alipay error answers', () => {
  it.each([
    ['40002', 'isv.code-invalid', /auth code is invalid, expired or already used/],
    ['40002', 'isv.invalid-app-id', /app id is invalid/],
    ['40001', 'isv.missing-app-id', /app id is missing/],
    ['40002', 'isv.invalid-signature', /app private key does not match the app public key/],
    ['40001', 'isv.missing-signature-key', /no app public key is set up/],
    ['20001', 'aop.invalid-auth-token', /access token is invalid/],
    ['20000', 'isp.unknow-error', /try again later/],
    ['40006', 'isv.insufficient-isv-permissions', /no permission/],
  ])('%s %s has a clear reason that carries the sub code and code', (code, subCode, reason) => {
    const text = describeAlipayError(code, subCode);
    expect(text).toMatch(reason);
    expect(text).toContain(`(Alipay ${subCode}, code ${code})`);
    expect(ALIPAY_SUB_CODE_REASONS[subCode]).toBeDefined();
  });

  it('an unknown sub code still carries itself; a missing one says so', () => {
    expect(describeAlipayError('40004', 'isv.something-new')).toBe(
      'Alipay refused the request (Alipay isv.something-new, code 40004)',
    );
    expect(describeAlipayError('40004', '')).toBe('Alipay refused the request (Alipay no sub_code, code 40004)');
    expect(describeAlipayError('', 'isv.code-invalid')).toBe(
      'the Alipay auth code is invalid, expired or already used (Alipay isv.code-invalid)',
    );
  });

  it('code sub codes are those about the auth code itself; busy ones are Alipay unavailable', () => {
    expect([...ALIPAY_CODE_SUB_CODES]).toEqual(['isv.code-invalid']);
    expect([...ALIPAY_BUSY_SUB_CODES].sort()).toEqual(['aop.unknow-error', 'isp.unknow-error']);
  });
});
