import { hostedAuthOptionsFromEnv, resolveHostedAuthOptions } from '../../src/channel-auth/hosted-auth.options';
import { isFlowToken, mintFlowToken } from '../../src/channel-auth/flow-token';
import { isWechatBrowser } from '../../src/channel-auth/wechat-browser';

/** The message of what `fn` throws (it must throw). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

describe('hostedAuth options', () => {
  it('is off when absent, and keeps the base URL without trailing slashes', () => {
    expect(resolveHostedAuthOptions(undefined)).toBeNull();
    expect(resolveHostedAuthOptions({ publicBaseUrl: 'https://pay.example.com/api/' })).toEqual({
      publicBaseUrl: 'https://pay.example.com/api',
    });
  });

  it.each([
    ['a string', 'https://pay.example.com', 'hostedAuth must be an object with publicBaseUrl'],
    ['no publicBaseUrl', {}, 'hostedAuth.publicBaseUrl is required when hostedAuth is given'],
    ['not a URL', { publicBaseUrl: 'pay.example.com' }, 'hostedAuth.publicBaseUrl must be an absolute http(s) URL'],
    ['a query', { publicBaseUrl: 'https://pay.example.com/?a=1' }, 'hostedAuth.publicBaseUrl must be a plain base URL'],
    [
      'user info',
      { publicBaseUrl: 'https://u:p@pay.example.com' },
      'hostedAuth.publicBaseUrl must be a plain base URL',
    ],
  ])('fails at start naming the option: %s', (_case, value, message) => {
    expect(thrown(() => resolveHostedAuthOptions(value)).message).toContain(`unipay-assist ${message}`);
  });

  it('reads ASSIST_PUBLIC_BASE_URL, naming the variable when it is malformed', () => {
    expect(hostedAuthOptionsFromEnv({})).toBeUndefined();
    expect(hostedAuthOptionsFromEnv({ ASSIST_PUBLIC_BASE_URL: '  ' })).toBeUndefined();
    expect(hostedAuthOptionsFromEnv({ ASSIST_PUBLIC_BASE_URL: 'https://pay.example.com' })).toEqual({
      publicBaseUrl: 'https://pay.example.com',
    });
    expect(thrown(() => hostedAuthOptionsFromEnv({ ASSIST_PUBLIC_BASE_URL: 'ftp://x' })).message).toContain(
      'ASSIST_PUBLIC_BASE_URL must be an absolute http(s) URL',
    );
  });
});

describe('flow tokens and the WeChat browser', () => {
  it('mints 26 base32 characters (130 bits), never twice', () => {
    const seen = new Set(Array.from({ length: 2000 }, () => mintFlowToken()));
    expect(seen.size).toBe(2000);
    for (const t of seen) expect(isFlowToken(t)).toBe(true);
    expect(isFlowToken('abc')).toBe(false);
    expect(isFlowToken('A'.repeat(26))).toBe(false);
    expect(isFlowToken(undefined)).toBe(false);
  });

  it('tells WeChat by MicroMessenger/ in the User-Agent', () => {
    expect(isWechatBrowser('Mozilla/5.0 (iPhone) MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI')).toBe(true);
    expect(isWechatBrowser('Mozilla/5.0 Chrome/120 Safari/537.36')).toBe(false);
    expect(isWechatBrowser(undefined)).toBe(false);
  });
});
