import { AssistErrorCode } from '@unipay-assist/wire';
import { AssistException } from '../../src/kernel/assist.exception';
import { buildDouyinSilentAuthUrl } from '../../src/douyin/douyin-authorize-url';
import { parseDouyinTokenBody } from '../../src/douyin/douyin-exchange';
import { merchantsFromEnv } from '../../src/merchants/merchants-from-env';
import { normalizeMerchant } from '../../src/merchants/normalize-merchant';

describe("Douyin's silent authorize URL", () => {
  it('names client_key, scope login_id and the redirect_uri and state, encoded', () => {
    expect(
      buildDouyinSilentAuthUrl('https://aweme.snssdk.com/', {
        clientKey: 'aw1',
        redirectUri: 'https://gw.example/cb/douyin',
        state: 'a b',
      }),
    ).toBe(
      'https://aweme.snssdk.com/passport/open/silent_auth/?client_key=aw1&response_type=code&scope=login_id' +
        '&redirect_uri=https%3A%2F%2Fgw.example%2Fcb%2Fdouyin&state=a%20b',
    );
  });
});

describe("oauth/access_token/'s body", () => {
  it('a success: open_id, access_token, expires_in; refresh_token never read', () => {
    const r = parseDouyinTokenBody(
      JSON.stringify({
        data: { error_code: 0, open_id: '_000x', access_token: 'act.1', expires_in: 1296000, refresh_token: 'rft.1' },
        message: 'success',
      }),
    );
    expect(r).toEqual({ ok: true, token: { openId: '_000x', accessToken: 'act.1', expiresIn: 1296000 } });
    expect(JSON.stringify(r)).not.toContain('rft.1');
  });

  it("a refusal: Douyin's description and error_code", () => {
    expect(
      parseDouyinTokenBody(
        JSON.stringify({ data: { error_code: 10007, description: 'code expired' }, message: 'error' }),
      ),
    ).toEqual({
      ok: false,
      errcode: 10007,
      reason: 'code expired (Douyin error_code 10007)',
    });
  });

  it.each(['not json', '{}', '{"data":{"error_code":0}}', '{"data":{"error_code":"x"}}'])('%s is 29303', (text) => {
    let caught: unknown;
    try {
      parseDouyinTokenBody(text);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AssistException);
    expect((caught as AssistException).code).toBe(AssistErrorCode.UPSTREAM_BAD_RESPONSE);
  });
});

describe("a merchant's Douyin app", () => {
  const base = { mchNo: 'M1', wechat: { appId: 'wx1', appSecret: 'x' }, signSecret: 's' };

  it('clientKey and clientSecret, from the file or ASSIST_DOUYIN_CLIENT_KEY / _SECRET', () => {
    expect(normalizeMerchant({ ...base, douyin: { clientKey: 'aw1', clientSecret: 'dy-secret' } }, 0).douyin).toEqual({
      clientKey: 'aw1',
      clientSecret: 'dy-secret',
    });
    const [fromEnv] = merchantsFromEnv({
      ASSIST_MCH_NO: 'M1',
      ASSIST_SIGN_SECRET: 's',
      ASSIST_WX_APP_ID: 'wx1',
      ASSIST_WX_APP_SECRET: 'x',
      ASSIST_DOUYIN_CLIENT_KEY: 'aw2',
      ASSIST_DOUYIN_CLIENT_SECRET: 'dy2',
    });
    expect(normalizeMerchant(fromEnv, 0).douyin).toEqual({ clientKey: 'aw2', clientSecret: 'dy2' });
  });

  it('refuses a missing secret naming the field, never the key material', () => {
    expect(() => normalizeMerchant({ ...base, douyin: { clientKey: 'aw1' } }, 0)).toThrow(
      'douyin.clientSecret is missing or empty',
    );
    expect(() => normalizeMerchant({ ...base, douyin: { clientKey: 'a w', clientSecret: 'dy-secret' } }, 0)).toThrow(
      /douyin.clientKey(?![^]*dy-secret)/,
    );
  });
});
