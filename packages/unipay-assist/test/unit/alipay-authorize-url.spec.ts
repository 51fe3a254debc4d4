import {
  ALIPAY_STATE_MAX_LENGTH,
  alipayStateProblem,
  buildAlipayAuthorizeUrl,
  DEFAULT_ALIPAY_OPENAUTH_BASE,
} from '../../src/alipay/alipay-authorize-url';

describe('buildAlipayAuthorizeUrl', () => {
  it('builds publicAppAuthorize.htm on Alipay openauth host with app_id, scope, encoded redirect_uri and state, in that order', () => {
    const url = buildAlipayAuthorizeUrl(DEFAULT_ALIPAY_OPENAUTH_BASE, {
      appId: '2021000000000001',
      redirectUri: 'https://gw.example/pay/back?order=42&x=a b',
      scope: 'auth_user',
      state: 'st-1',
    });
    expect(url).toBe(
      'https://openauth.alipay.com/oauth2/publicAppAuthorize.htm' +
        '?app_id=2021000000000001&scope=auth_user' +
        '&redirect_uri=https%3A%2F%2Fgw.example%2Fpay%2Fback%3Forder%3D42%26x%3Da%20b&state=st-1',
    );
    const parsed = new URL(url);
    expect([...parsed.searchParams.keys()]).toEqual(['app_id', 'scope', 'redirect_uri', 'state']);
    expect(parsed.searchParams.get('redirect_uri')).toBe('https://gw.example/pay/back?order=42&x=a b');
  });

  it('defaults to auth_base, leaves out an absent or empty state, and takes a base with a trailing slash (the simulator)', () => {
    const url = buildAlipayAuthorizeUrl('http://127.0.0.1:9200/', {
      appId: 'A',
      redirectUri: 'https://gw.example/',
      state: '',
    });
    expect(url).toBe(
      'http://127.0.0.1:9200/oauth2/publicAppAuthorize.htm?app_id=A&scope=auth_base&redirect_uri=https%3A%2F%2Fgw.example%2F',
    );
  });

  it('encodes an app id and a state that carry URL syntax', () => {
    const url = new URL(
      buildAlipayAuthorizeUrl('http://sim', { appId: 'a&b', redirectUri: 'https://x/', state: 'a=b&c#d' }),
    );
    expect(url.searchParams.get('app_id')).toBe('a&b');
    expect(url.searchParams.get('state')).toBe('a=b&c#d');
    expect(url.hash).toBe('');
  });
});

describe('alipayStateProblem', () => {
  it('accepts printable ASCII up to 100 characters', () => {
    expect(alipayStateProblem('x'.repeat(ALIPAY_STATE_MAX_LENGTH))).toBeUndefined();
    expect(alipayStateProblem('abc-123_~.!')).toBeUndefined();
  });

  it('refuses a longer state, spaces and non-ASCII (Alipay refuses Chinese in state)', () => {
    expect(alipayStateProblem('x'.repeat(101))).toMatch(/at most 100/);
    expect(alipayStateProblem('a b')).toMatch(/ASCII/);
    expect(alipayStateProblem('订单')).toMatch(/ASCII/);
  });
});
