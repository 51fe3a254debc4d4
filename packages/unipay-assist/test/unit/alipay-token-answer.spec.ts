import { AlipayRequestError } from 'alipay-sdk';
import { readTokenAnswer, transportFailure } from '../../src/alipay/alipay-oauth.client';
import { isAlipayTransportFailure } from '../../src/alipay/alipay-exchange-result';

describe('readTokenAnswer (the verified content of an oauth.token answer)', () => {
  const OK = {
    user_id: '2088102150477652',
    access_token: 'authusrB_SECRET_TOKEN',
    expires_in: 1209600,
    refresh_token: 'authusrB_REFRESH_MUST_NOT_SURFACE',
    re_expires_in: 2592000,
    auth_start: '2026-01-01 10:00:00',
  };

  it('reads user_id, keeps the access token, and drops the refresh token', () => {
    const r = readTokenAnswer(OK);
    expect(r).toEqual({
      ok: true,
      userId: '2088102150477652',
      accessToken: 'authusrB_SECRET_TOKEN',
      expiresIn: 1209600,
    });
    expect(JSON.stringify(r)).not.toMatch(/REFRESH|refresh/);
  });

  it('reads open_id alone, or both ids, and a lifetime sent as a string', () => {
    const { user_id: _drop, ...openOnly } = OK;
    expect(readTokenAnswer({ ...openOnly, open_id: '074a1CcTG1' })).toEqual({
      ok: true,
      openId: '074a1CcTG1',
      accessToken: OK.access_token,
      expiresIn: 1209600,
    });
    expect(readTokenAnswer({ ...OK, open_id: '074a', expires_in: '300' })).toMatchObject({
      userId: OK.user_id,
      openId: '074a',
      expiresIn: 300,
    });
  });

  it('gives 0 for a missing or broken lifetime rather than inventing one', () => {
    expect(readTokenAnswer({ ...OK, expires_in: 'soon' })).toMatchObject({ ok: true, expiresIn: 0 });
  });

  it('a sub_code or a code other than 10000 is a refusal with a clear reason (sub_msg is never used)', () => {
    const r = readTokenAnswer({
      code: '40002',
      msg: 'Invalid Arguments',
      sub_code: 'isv.code-invalid',
      sub_msg: 'code=THE_CODE',
    });
    expect(r).toEqual({
      ok: false,
      code: '40002',
      subCode: 'isv.code-invalid',
      reason: 'the Alipay auth code is invalid, expired or already used (Alipay isv.code-invalid, code 40002)',
    });
    expect(JSON.stringify(r)).not.toContain('THE_CODE');
    expect(readTokenAnswer({ code: '20000', msg: 'Service Currently Unavailable' })).toMatchObject({
      ok: false,
      code: '20000',
      subCode: '',
    });
    expect(readTokenAnswer({ ...OK, code: '10000', msg: 'Success' }).ok).toBe(true);
  });

  it('an answer without an id or without a token is bad-response', () => {
    const { user_id: _u, ...noId } = OK;
    const { access_token: _a, ...noToken } = OK;
    expect(readTokenAnswer(noId)).toMatchObject({ ok: false, kind: 'bad-response' });
    expect(readTokenAnswer(noToken)).toMatchObject({ ok: false, kind: 'bad-response' });
    expect(readTokenAnswer({ ...OK, user_id: '' })).toMatchObject({ kind: 'bad-response' });
    expect(readTokenAnswer('text')).toMatchObject({ kind: 'bad-response' });
    expect(readTokenAnswer(null)).toMatchObject({ kind: 'bad-response' });
  });
});

describe('transportFailure (what alipay-sdk threw, as a kind)', () => {
  function causeWith(name: string, code?: string): Error {
    const e = new Error('x') as NodeJS.ErrnoException;
    e.name = name;
    if (code) e.code = code;
    return e;
  }

  it.each([
    ['urllib request timeout', causeWith('HttpClientRequestTimeoutError'), 'timeout'],
    ['undici headers timeout', causeWith('HeadersTimeoutError', 'UND_ERR_HEADERS_TIMEOUT'), 'timeout'],
    ['connect timeout', causeWith('HttpClientConnectTimeoutError', 'UND_ERR_CONNECT_TIMEOUT'), 'timeout'],
    ['ETIMEDOUT', causeWith('Error', 'ETIMEDOUT'), 'timeout'],
    ['ECONNREFUSED', causeWith('Error', 'ECONNREFUSED'), 'unreachable'],
    ['ECONNRESET', causeWith('Error', 'ECONNRESET'), 'unreachable'],
    ['other side closed', causeWith('SocketError', 'UND_ERR_SOCKET'), 'unreachable'],
    ['DNS', causeWith('Error', 'ENOTFOUND'), 'unreachable'],
  ])('%s is %s', (_label, cause, kind) => {
    const r = transportFailure(
      new AlipayRequestError(`HttpClient Request error: ${cause.message}`, { cause }),
      AlipayRequestError,
    );
    expect(r.kind).toBe(kind);
  });

  it('names the socket code for unreachable, and nothing of the request', () => {
    const cause = causeWith('Error', 'ECONNREFUSED');
    cause.message = 'connect ECONNREFUSED 127.0.0.1:1 code=SECRET_CODE';
    expect(transportFailure(new AlipayRequestError(cause.message, { cause }), AlipayRequestError)).toEqual({
      ok: false,
      kind: 'unreachable',
      reason: 'Alipay is unreachable (ECONNREFUSED)',
    });
  });

  it('a non-200 is http-error with its status, with or without a trace id', () => {
    expect(
      transportFailure(
        new AlipayRequestError('HTTP 请求错误, status: 503', { responseDataRaw: '<html>' }),
        AlipayRequestError,
      ),
    ).toEqual({
      ok: false,
      kind: 'http-error',
      status: 503,
      reason: 'Alipay answered HTTP 503',
    });
    expect(
      transportFailure(new AlipayRequestError('HTTP 请求错误, status: 404', { traceId: 'T1' }), AlipayRequestError),
    ).toMatchObject({ status: 404 });
  });

  it('a body that is not JSON, or JSON without the answer, is bad-response', () => {
    expect(
      transportFailure(
        new AlipayRequestError('Response 格式错误', { cause: new SyntaxError('x') }),
        AlipayRequestError,
      ),
    ).toMatchObject({
      kind: 'bad-response',
      reason: 'Alipay answered a body that is not JSON',
    });
    expect(
      transportFailure(new AlipayRequestError('Response 格式错误，返回值 x_response 找不到', {}), AlipayRequestError),
    ).toMatchObject({ kind: 'bad-response' });
    expect(transportFailure(new TypeError('anything else'), AlipayRequestError)).toMatchObject({
      kind: 'bad-response',
    });
  });

  it('every transport failure is told apart from a refusal', () => {
    expect(isAlipayTransportFailure(transportFailure(new TypeError('x'), AlipayRequestError))).toBe(true);
    expect(isAlipayTransportFailure(readTokenAnswer({ code: '40002', sub_code: 'isv.code-invalid' }))).toBe(false);
    expect(isAlipayTransportFailure(readTokenAnswer({ user_id: '2088', access_token: 't' }))).toBe(false);
  });
});
