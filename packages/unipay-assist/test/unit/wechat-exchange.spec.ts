import { AssistErrorCode } from '../../../wire/src/error-codes';
import { describeWechatErrcode, WECHAT_CODE_ERRCODES, WECHAT_ERRCODE_REASONS } from '../../src/wechat/wechat-errors';
import { parseExchangeBody, upstreamError } from '../../src/wechat/wechat-oauth.service';
import { thrown } from '../../../../test/support/thrown';

const OK_BODY = {
  access_token: 'AT_SECRET_TOKEN_VALUE',
  expires_in: 7200,
  refresh_token: 'RT_MUST_NEVER_SURFACE',
  openid: 'oOPENID123',
  scope: 'snsapi_base',
  is_snapshotuser: 0,
};

describe('WeChat errcodes', () => {
  it.each([
    [-1, /busy/],
    [40013, /appid is invalid/],
    [40029, /code is invalid/],
    [40125, /appsecret is invalid/],
    [40163, /already been used/],
    [40164, /IP whitelist/],
    [42003, /expired/],
    [45011, /rate limit/],
  ])('%d has a clear reason that contains the errcode', (errcode, reason) => {
    const text = describeWechatErrcode(errcode);
    expect(text).toMatch(reason);
    expect(text).toContain(`WeChat errcode ${errcode}`);
    expect(WECHAT_ERRCODE_REASONS[errcode]).toBeDefined();
  });

  it('an unknown errcode still carries the number', () => {
    expect(describeWechatErrcode(99999)).toBe('WeChat refused the request (WeChat errcode 99999)');
  });

  it('code errcodes are the ones about the code itself', () => {
    expect([...WECHAT_CODE_ERRCODES].sort()).toEqual([40029, 40163, 41008, 42003]);
  });
});

describe('parseExchangeBody', () => {
  it('reads a success body (as WeChat sends it, text/plain JSON) and drops refresh_token', () => {
    const result = parseExchangeBody(JSON.stringify({ ...OK_BODY, unionid: 'uUNION' }));
    expect(result).toEqual({
      ok: true,
      token: {
        openId: 'oOPENID123',
        accessToken: 'AT_SECRET_TOKEN_VALUE',
        expiresIn: 7200,
        scope: 'snsapi_base',
        unionId: 'uUNION',
      },
    });
    expect(JSON.stringify(result)).not.toContain('RT_MUST_NEVER_SURFACE');
    expect(JSON.stringify(result)).not.toMatch(/refresh/i);
  });

  it('treats errcode 0 (number or string) alongside a token as success', () => {
    expect(parseExchangeBody(JSON.stringify({ ...OK_BODY, errcode: 0 })).ok).toBe(true);
    expect(parseExchangeBody(JSON.stringify({ ...OK_BODY, errcode: '0' })).ok).toBe(true);
  });

  it('defaults a missing or broken expires_in to 7200', () => {
    const r = parseExchangeBody(JSON.stringify({ ...OK_BODY, expires_in: 'soon' }));
    expect(r.ok && r.token.expiresIn).toBe(7200);
  });

  it.each([40029, 40163, 42003, 40013, 40125, -1])(
    'maps {errcode: %d} to a refusal with the errcode in the reason',
    (errcode) => {
      const r = parseExchangeBody(JSON.stringify({ errcode, errmsg: 'invalid code, rid: 1234' }));
      expect(r).toEqual({ ok: false, errcode, reason: describeWechatErrcode(errcode) });
    },
  );

  it('accepts an errcode sent as a string', () => {
    expect(parseExchangeBody('{"errcode":"40029","errmsg":"x"}')).toMatchObject({ ok: false, errcode: 40029 });
  });

  it.each([
    ['garbage', 'not json at all', /not JSON/],
    ['html', '<html><body>502 Bad Gateway</body></html>', /not JSON/],
    ['empty', '', /not JSON/],
    ['an array', '[1,2]', /not an object/],
    ['null', 'null', /not an object/],
    ['a number', '42', /not an object/],
    ['missing openid', JSON.stringify({ access_token: 'AT', expires_in: 7200 }), /without openid/],
    ['empty openid', JSON.stringify({ ...OK_BODY, openid: '' }), /without openid/],
    ['missing access_token', JSON.stringify({ openid: 'o1' }), /without openid or access_token/],
    ['a non-numeric errcode', JSON.stringify({ errcode: 'boom' }), /errcode that is not a number/],
  ])('maps %s to 29303', (_label, text, msg) => {
    const e = thrown(() => parseExchangeBody(text));
    expect(e.code).toBe(AssistErrorCode.UPSTREAM_BAD_RESPONSE);
    expect(e.message).toMatch(msg);
  });
});

describe('upstreamError', () => {
  it.each([
    ['ECONNABORTED', AssistErrorCode.UPSTREAM_TIMEOUT],
    ['ETIMEDOUT', AssistErrorCode.UPSTREAM_TIMEOUT],
    ['ERR_CANCELED', AssistErrorCode.UPSTREAM_TIMEOUT],
    ['ERR_BAD_RESPONSE', AssistErrorCode.UPSTREAM_BAD_RESPONSE],
    ['ERR_FR_MAX_BODY_LENGTH_EXCEEDED', AssistErrorCode.UPSTREAM_BAD_RESPONSE],
    ['HPE_INVALID_CONSTANT', AssistErrorCode.UPSTREAM_BAD_RESPONSE],
    ['ECONNREFUSED', AssistErrorCode.UPSTREAM_UNREACHABLE],
    ['ENOTFOUND', AssistErrorCode.UPSTREAM_UNREACHABLE],
    ['ECONNRESET', AssistErrorCode.UPSTREAM_UNREACHABLE],
  ])('%s -> %d', (code, expected) => {
    expect(upstreamError({ code }).code).toBe(expected);
  });

  it('drops the axios error, and with it the URL that holds the secret and the code', () => {
    const axiosLike = Object.assign(new Error('connect ECONNREFUSED'), {
      code: 'ECONNREFUSED',
      config: { url: 'http://127.0.0.1:1/sns/oauth2/access_token?appid=wx1&secret=APPSECRET&code=THECODE' },
    });
    const e = upstreamError(axiosLike);
    expect(e.message).toBe('WeChat is unreachable (ECONNREFUSED)');
    expect(JSON.stringify({ ...e, message: e.message, stack: undefined })).not.toMatch(/APPSECRET|THECODE/);
    expect(e).not.toHaveProperty('cause');
  });

  it('an error without a code is still "unreachable"', () => {
    expect(upstreamError(new Error('x')).message).toBe('WeChat is unreachable');
    expect(upstreamError(undefined).code).toBe(AssistErrorCode.UPSTREAM_UNREACHABLE);
  });
});
