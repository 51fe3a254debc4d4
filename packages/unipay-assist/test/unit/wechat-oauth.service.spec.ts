import { HttpService } from '@nestjs/axios';
import { Test } from '@nestjs/testing';
import { AxiosRequestConfig } from 'axios';
import { AssistException } from '../../src/kernel/assist.exception';
import { AssistErrorCode } from '../../../wire/src/error-codes';
import { resolveWechatOptions, WECHAT_OPTIONS } from '../../src/wechat/wechat.options';
import { WechatOAuthService } from '../../src/wechat/wechat-oauth.service';

const APP = { appId: 'wx0unit0oauth', appSecret: 'APP&SECRET=must-not-leak' };

/** HttpService's axios instance, reduced to the one GET the service makes: records it, answers what the test says. */
class FakeAxios {
  readonly requests: Array<{ url: string; config: AxiosRequestConfig }> = [];
  answer: () => Promise<{ status: number; data: unknown }> = async () => ({ status: 200, data: '{}' });

  get = (url: string, config: AxiosRequestConfig) => {
    this.requests.push({ url, config });
    return this.answer();
  };
}

/** What the service throws: always an AssistException with no cause and nothing of the URL. */
async function failure(promise: Promise<unknown>): Promise<AssistException> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AssistException);
  const e = err as AssistException;
  expect(e).not.toHaveProperty('cause');
  expect(`${e.message} ${JSON.stringify(e)}`).not.toMatch(/must-not-leak|THE-CODE/);
  return e;
}

describe('WechatOAuthService (unit: a fake HttpService axiosRef, no network)', () => {
  let service: WechatOAuthService;
  let axios: FakeAxios;

  beforeEach(async () => {
    axios = new FakeAxios();
    const moduleRef = await Test.createTestingModule({
      providers: [
        WechatOAuthService,
        { provide: HttpService, useValue: { axiosRef: axios } },
        {
          provide: WECHAT_OPTIONS,
          useValue: resolveWechatOptions({
            apiBase: 'http://api.wechat.test',
            openBase: 'http://open.wechat.test',
            timeoutMs: 1234,
          }),
        },
      ],
    }).compile();
    service = moduleRef.get(WechatOAuthService);
  });

  it('exposes its resolved options', () => {
    expect({ apiBase: service.apiBase, openBase: service.openBase, timeoutMs: service.timeoutMs }).toEqual({
      apiBase: 'http://api.wechat.test',
      openBase: 'http://open.wechat.test',
      timeoutMs: 1234,
    });
  });

  it('calls sns/oauth2/access_token once, every value URL-encoded, with its timeout, no redirects, a body cap, and text it parses itself', async () => {
    axios.answer = async () => ({
      status: 200,
      data: '{"access_token":"AT","expires_in":7200,"openid":"o1","refresh_token":"RT"}',
    });
    await service.exchangeCode(APP, 'THE-CODE/+?');
    expect(axios.requests).toHaveLength(1);
    const [{ url, config }] = axios.requests;
    expect(url).toBe(
      'http://api.wechat.test/sns/oauth2/access_token?appid=wx0unit0oauth' +
        `&secret=${encodeURIComponent(APP.appSecret)}&code=${encodeURIComponent('THE-CODE/+?')}&grant_type=authorization_code`,
    );
    expect(config).toMatchObject({ timeout: 1234, responseType: 'text', maxRedirects: 0, maxContentLength: 64 * 1024 });
    // Every status comes back to the service (it maps them), and the body is left as text.
    expect(config.validateStatus?.(503)).toBe(true);
    const transform = config.transformResponse as (body: unknown) => unknown;
    expect(transform('{"a":1}')).toBe('{"a":1}');
  });

  it('a success: openId and token, refresh_token dropped', async () => {
    axios.answer = async () => ({
      status: 200,
      data: '{"access_token":"AT","expires_in":600,"openid":"o1","refresh_token":"RT","scope":"snsapi_base"}',
    });
    const result = await service.exchangeCode(APP, 'THE-CODE');
    expect(result).toMatchObject({
      ok: true,
      token: { openId: 'o1', accessToken: 'AT', expiresIn: 600, scope: 'snsapi_base' },
    });
    expect(JSON.stringify(result)).not.toContain('RT');
  });

  it("a WeChat errcode is a refusal (ok: false) with WeChat's reason", async () => {
    axios.answer = async () => ({ status: 200, data: '{"errcode":40163,"errmsg":"code been used"}' });
    await expect(service.exchangeCode(APP, 'THE-CODE')).resolves.toEqual({
      ok: false,
      errcode: 40163,
      reason: 'the OAuth code has already been used (WeChat errcode 40163)',
    });
  });

  it.each([
    [502, 'WeChat answered HTTP 502'],
    [301, 'WeChat answered HTTP 301'],
  ])('HTTP %d is 29304', async (status, msg) => {
    axios.answer = async () => ({ status, data: '<html>gateway</html>' });
    const e = await failure(service.exchangeCode(APP, 'THE-CODE'));
    expect(e).toMatchObject({ code: AssistErrorCode.UPSTREAM_HTTP_ERROR, message: msg });
  });

  it.each([
    ['HTML with 200', '<html>nginx</html>'],
    ['no body', undefined],
  ])('%s is 29303', async (_label, data) => {
    axios.answer = async () => ({ status: 200, data });
    expect((await failure(service.exchangeCode(APP, 'THE-CODE'))).code).toBe(AssistErrorCode.UPSTREAM_BAD_RESPONSE);
  });

  it.each([
    ['ECONNABORTED', AssistErrorCode.UPSTREAM_TIMEOUT],
    ['ECONNREFUSED', AssistErrorCode.UPSTREAM_UNREACHABLE],
    ['ERR_FR_MAX_BODY_LENGTH_EXCEEDED', AssistErrorCode.UPSTREAM_BAD_RESPONSE],
  ])(
    'an axios failure %s is %d, dropping the axios error (its config holds the URL with secret and code)',
    async (code, expected) => {
      axios.answer = async () => {
        throw Object.assign(new Error(`failed ${code}`), {
          code,
          config: { url: `http://api.wechat.test/?secret=${APP.appSecret}&code=THE-CODE` },
        });
      };
      expect((await failure(service.exchangeCode(APP, 'THE-CODE'))).code).toBe(expected);
    },
  );

  it('authorizeUrl is built on openBase and never calls anything', () => {
    const url = service.authorizeUrl(APP.appId, 'https://shop.example.com/back?o=1', 'snsapi_userinfo', 'st');
    expect(url.startsWith('http://open.wechat.test/connect/oauth2/authorize?appid=wx0unit0oauth&')).toBe(true);
    expect(url).toContain(`redirect_uri=${encodeURIComponent('https://shop.example.com/back?o=1')}`);
    expect(url).toContain('scope=snsapi_userinfo&state=st#wechat_redirect');
    expect(url).not.toContain(APP.appSecret);
    expect(axios.requests).toEqual([]);
  });
});
