import { miniProgramTransportFailure, parseJscode2sessionBody } from '../../src/wechat/wechat-mini-program.client';
import { describeMiniProgramErrcode, MINI_PROGRAM_CODE_ERRCODES } from '../../src/wechat/wechat-mini-program-errors';

describe('parseJscode2sessionBody', () => {
  it('reads openid and unionid, and session_key never reaches the result', () => {
    const r = parseJscode2sessionBody(
      JSON.stringify({ session_key: 'SESSION_KEY_SECRET==', openid: 'oMINI', unionid: 'oUNION' }),
    );
    expect(r).toEqual({ ok: true, openId: 'oMINI', unionId: 'oUNION' });
    expect(JSON.stringify(r)).not.toMatch(/SESSION_KEY_SECRET|session/i);
  });

  it('leaves unionId out when WeChat sent none (the app is not bound to an Open Platform account)', () => {
    const r = parseJscode2sessionBody('{"session_key":"k","openid":"oMINI"}');
    expect(r).toEqual({ ok: true, openId: 'oMINI' });
    expect('unionId' in r).toBe(false);
  });

  it('treats errcode 0 (number or string) beside an openid as success', () => {
    expect(parseJscode2sessionBody('{"errcode":0,"openid":"o1","session_key":"k"}').ok).toBe(true);
    expect(parseJscode2sessionBody('{"errcode":"0","openid":"o1","session_key":"k"}').ok).toBe(true);
  });

  it.each([
    [40029, /wx.login code is invalid or has expired/],
    [40163, /already been used/],
    [45011, /rate limit for this user/],
    [40226, /high-risk user/],
    [-1, /busy/],
    [40125, /appsecret is invalid/],
  ])('errcode %d is a refusal with a clear reason, the web-flow shape', (errcode, reason) => {
    const r = parseJscode2sessionBody(JSON.stringify({ errcode, errmsg: 'x, rid: 1' }));
    expect(r).toEqual({ ok: false, errcode, reason: expect.stringMatching(reason) });
    expect(r.ok === false && 'errcode' in r && r.reason).toContain(`(WeChat errcode ${errcode})`);
  });

  it.each([
    ['not JSON', '<html>502</html>', /not JSON/],
    ['JSON that is not an object', '[1]', /not an object/],
    ['no openid', '{"session_key":"k"}', /without openid/],
    ['a non-numeric errcode', '{"errcode":"x"}', /not a number/],
  ])('%s is bad-response', (_label, text, reason) => {
    expect(parseJscode2sessionBody(text)).toEqual({
      ok: false,
      kind: 'bad-response',
      reason: expect.stringMatching(reason),
    });
  });
});

describe('mini program errcodes and transport failures', () => {
  it('code errcodes are those about the wx.login code itself', () => {
    expect([...MINI_PROGRAM_CODE_ERRCODES].sort()).toEqual([40029, 40163, 41008]);
    expect(describeMiniProgramErrcode(99999)).toBe('WeChat refused the request (WeChat errcode 99999)');
  });

  it.each([
    ['ECONNABORTED', 'timeout'],
    ['ETIMEDOUT', 'timeout'],
    ['ERR_CANCELED', 'timeout'],
    ['ECONNREFUSED', 'unreachable'],
    ['ECONNRESET', 'unreachable'],
    ['ERR_BAD_RESPONSE', 'bad-response'],
    ['ERR_FR_MAX_BODY_LENGTH_EXCEEDED', 'bad-response'],
    ['HPE_INVALID_CONSTANT', 'bad-response'],
  ])('%s is %s, and the error (its URL holds the secret) is dropped', (code, kind) => {
    const err = Object.assign(new Error('GET https://x/sns/jscode2session?secret=S3CRET&js_code=C0DE'), { code });
    const r = miniProgramTransportFailure(err);
    expect(r.kind).toBe(kind);
    expect(JSON.stringify(r)).not.toMatch(/S3CRET|C0DE/);
  });
});
