import { bindingCookie, bindingDigest, readBindingCookie } from '../../src/channel-auth/browser-binding';
import { isOAuthCodeShape } from '../../src/channel-auth/flow-limits';
import { mintFlowToken } from '../../src/channel-auth/flow-token';

describe('the redirect-back binding cookie', () => {
  const token = mintFlowToken();

  it('reads its own cookie among others, and nothing of another shape or name', () => {
    expect(readBindingCookie(`a=1; unipay_assist_flow=${token}; b=2`)).toBe(token);
    expect(readBindingCookie([`a=1`, `unipay_assist_flow=${token}`])).toBe(token);
    for (const header of [
      undefined,
      '',
      'unipay_assist_flow=',
      'unipay_assist_flow=ABCDEFGHIJKLMNOPQRSTUVWXYZ',
      `x_unipay_assist_flow=${token}`,
      `unipay_assist_flow=${token}1`,
      42,
    ]) {
      expect(readBindingCookie(header)).toBeUndefined();
    }
    // An oversized header is not read at all.
    expect(readBindingCookie(`${'a=b; '.repeat(2000)}unipay_assist_flow=${token}`)).toBeUndefined();
  });

  it('is HttpOnly, SameSite=Lax, scoped to the given path, Secure on https only', () => {
    expect(bindingCookie(token, '/pay/unipay/assist/channel/auth', true)).toBe(
      `unipay_assist_flow=${token}; Path=/pay/unipay/assist/channel/auth; Max-Age=300; HttpOnly; SameSite=Lax; Secure`,
    );
    expect(bindingCookie(token, '/unipay/assist/channel/auth', false)).not.toContain('Secure');
  });

  it('the flow keeps a digest, never the token', () => {
    expect(bindingDigest(token)).not.toContain(token);
    expect(bindingDigest(token)).toBe(bindingDigest(token));
    expect(bindingDigest(mintFlowToken())).not.toBe(bindingDigest(token));
  });
});

describe('the shape of an OAuth code, checked before any lookup', () => {
  it.each(['061Xy0ll2Qq1Fh4qGxml2Z0Tdl1Xy0lX', '4b203fe6c11548bcabd8da5bb087a83b', 'abc_DEF-1.2~x', 'x'.repeat(128)])(
    'accepts %s',
    (code) => {
      expect(isOAuthCodeShape(code)).toBe(true);
    },
  );
  it.each(['', 'short', 'x'.repeat(129), 'has space', 'a\nbcdefghi', '<script>x', 'ünïcödexx', 'a%20bcdefg'])(
    'refuses %j',
    (code) => {
      expect(isOAuthCodeShape(code)).toBe(false);
    },
  );
});
