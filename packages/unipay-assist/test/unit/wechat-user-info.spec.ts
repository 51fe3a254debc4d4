import { HttpService } from '@nestjs/axios';
import { Test } from '@nestjs/testing';
import { AxiosRequestConfig } from 'axios';
import { AssistException } from '../../src/kernel/assist.exception';
import { AssistErrorCode } from '../../../wire/src/error-codes';
import { RunningSimulator, startSimulatorServer } from '../../../simulator/src/simulator.server';
import { WechatSimulator } from '../../../simulator/src/wechat-simulator';
import { resolveWechatOptions, WECHAT_OPTIONS } from '../../src/wechat/wechat.options';
import { WechatOAuthService } from '../../src/wechat/wechat-oauth.service';
import { parseUserInfoBody } from '../../src/wechat/wechat-user-info';

const TOKEN = 'THE-ACCESS-TOKEN';

async function failure(promise: Promise<unknown>): Promise<AssistException> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AssistException);
  expect(`${(err as Error).message} ${JSON.stringify(err)}`).not.toContain(TOKEN);
  return err as AssistException;
}

describe('parseUserInfoBody', () => {
  it('keeps nickname and headimgurl of the expected openid and drops the rest', () => {
    const body = JSON.stringify({
      openid: 'o1',
      nickname: '张三',
      headimgurl: 'https://thirdwx.qlogo.cn/x/132',
      sex: 1,
      city: 'c',
      privilege: ['p'],
      unionid: 'u',
    });
    expect(parseUserInfoBody(body, 'o1')).toEqual({
      ok: true,
      profile: { nickname: '张三', headImgUrl: 'https://thirdwx.qlogo.cn/x/132' },
    });
  });

  it('answers empty strings where WeChat sent no nickname or avatar', () => {
    expect(parseUserInfoBody('{"openid":"o1"}', 'o1')).toEqual({ ok: true, profile: { nickname: '', headImgUrl: '' } });
  });

  it("turns WeChat's errcode into a refusal (48001: a base-scope token)", () => {
    const r = parseUserInfoBody('{"errcode":48001,"errmsg":"api unauthorized"}', 'o1');
    expect(r).toMatchObject({ ok: false, errcode: 48001 });
    expect(r.ok === false && r.reason).toContain('48001');
    expect(parseUserInfoBody('{"errcode":0,"openid":"o1","nickname":"n"}', 'o1')).toMatchObject({ ok: true });
  });

  it('refuses a profile of another openid, a body that is not a JSON object, and a non-numeric errcode (29303)', () => {
    for (const text of ['{"openid":"o2","nickname":"n"}', 'not json', '[1]', 'null', '{"errcode":"x"}']) {
      expect(() => parseUserInfoBody(text, 'o1')).toThrow(
        expect.objectContaining({ code: AssistErrorCode.UPSTREAM_BAD_RESPONSE }),
      );
    }
  });
});

describe('WechatOAuthService.fetchUserInfo (a fake axios: the request it makes, its error mapping)', () => {
  const requests: Array<{ url: string; config: AxiosRequestConfig }> = [];
  let answer: () => Promise<{ status: number; data: unknown }>;
  let service: WechatOAuthService;

  beforeEach(async () => {
    requests.length = 0;
    const axios = {
      get: (url: string, config: AxiosRequestConfig) => {
        requests.push({ url, config });
        return answer();
      },
    };
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

  it('GETs sns/userinfo with access_token, openid and lang=zh_CN under the exchange timeout', async () => {
    answer = async () => ({ status: 200, data: '{"openid":"o&1","nickname":"n","headimgurl":"h"}' });
    expect(await service.fetchUserInfo(TOKEN, 'o&1')).toEqual({
      ok: true,
      profile: { nickname: 'n', headImgUrl: 'h' },
    });
    expect(requests).toHaveLength(1);
    const url = new URL(requests[0].url);
    expect(`${url.origin}${url.pathname}`).toBe('http://api.wechat.test/sns/userinfo');
    expect(Object.fromEntries(url.searchParams)).toEqual({ access_token: TOKEN, openid: 'o&1', lang: 'zh_CN' });
    expect(requests[0].config).toMatchObject({ timeout: 1234, maxRedirects: 0 });
  });

  it('maps HTTP errors, timeouts and unreachable hosts to 293xx without the token', async () => {
    answer = async () => ({ status: 502, data: 'bad gateway' });
    expect((await failure(service.fetchUserInfo(TOKEN, 'o1'))).code).toBe(AssistErrorCode.UPSTREAM_HTTP_ERROR);
    answer = async () =>
      Promise.reject(Object.assign(new Error(`timeout of 1234ms at ?access_token=${TOKEN}`), { code: 'ECONNABORTED' }));
    expect((await failure(service.fetchUserInfo(TOKEN, 'o1'))).code).toBe(AssistErrorCode.UPSTREAM_TIMEOUT);
    answer = async () =>
      Promise.reject(Object.assign(new Error(`connect ECONNREFUSED ?access_token=${TOKEN}`), { code: 'ECONNREFUSED' }));
    expect((await failure(service.fetchUserInfo(TOKEN, 'o1'))).code).toBe(AssistErrorCode.UPSTREAM_UNREACHABLE);
  });
});

describe("the simulator's sns/userinfo (real HTTP on 127.0.0.1)", () => {
  const APP = { appId: 'wx0sim0userinfo', appSecret: 'sim-secret' };
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulatorServer({ apps: [APP] });
  });
  afterAll(() => sim.close());

  async function exchange(user: string, scope: string): Promise<{ access_token: string; openid: string }> {
    const code = sim.simulator.issueCode(APP.appId, user, scope);
    const res = await fetch(
      `${sim.baseUrl}/sns/oauth2/access_token?appid=${APP.appId}&secret=${APP.appSecret}&code=${code}&grant_type=authorization_code`,
    );
    return (await res.json()) as { access_token: string; openid: string };
  }
  const userInfo = async (token: string, openId: string) =>
    parseUserInfoBody(
      await (
        await fetch(`${sim.baseUrl}/sns/userinfo?access_token=${encodeURIComponent(token)}&openid=${openId}&lang=zh_CN`)
      ).text(),
      openId,
    );

  it('serves the profile for a token it issued with snsapi_userinfo', async () => {
    const t = await exchange('alice', 'snsapi_userinfo');
    const profile = WechatSimulator.profileFor('alice');
    expect(await userInfo(t.access_token, t.openid)).toEqual({
      ok: true,
      profile: { nickname: profile.nickname, headImgUrl: profile.headimgurl },
    });
  });

  it('answers 48001 for a base-scope token, 40001 for a token it never issued, 40003 for another openid', async () => {
    const base = await exchange('bob', 'snsapi_base');
    expect(await userInfo(base.access_token, base.openid)).toMatchObject({ ok: false, errcode: 48001 });
    expect(await userInfo('SIM_AT_unknown', base.openid)).toMatchObject({ ok: false, errcode: 40001 });
    const t = await exchange('carol', 'snsapi_userinfo');
    expect(await userInfo(t.access_token, base.openid)).toMatchObject({ ok: false, errcode: 40003 });
  });
});
