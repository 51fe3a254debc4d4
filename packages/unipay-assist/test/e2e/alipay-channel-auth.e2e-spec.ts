import { INestApplication } from '@nestjs/common';
import { createDemoApp } from '../../../../apps/demo/src/create-demo-app';
import { DEMO_ALIPAY_APP_ID, DEMO_MERCHANT, DEMO_WECHAT_APP } from '../../../../apps/demo/src/demo-merchant';
import { MerchantInput } from '../../src/merchants/merchant';
import { sign } from '../../../wire/src/signing/signature';
import { AlipaySimulator } from '../../../simulator/src/alipay-simulator';
import { RunningAlipaySimulator, startAlipaySimulator } from '../../../simulator/src/alipay-simulator.server';
import { RunningSimulator, startSimulatorServer } from '../../../simulator/src/simulator.server';
import {
  body30,
  getPage,
  MERCHANT_30,
  postChannelAuth,
  WECHAT_UA,
} from '../../../../test/support/channel-auth-gateway';
import { authCodeFrom, WECHAT_ONLY_MERCHANT } from '../../../../test/support/channels-gateway';
import { daxpay3Reference } from '../../../../test/support/daxpay3-reference';
import { ADAPTERS, DEMO_SECRET, signedBody } from '../../../../test/support/gateway';
import { freePort } from '../../../../test/support/redis-server';

const ALIPAY_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 AlipayClient/10.5.30.8000 Language/zh-Hans';
const PLAIN_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';
const RETURN = 'http://127.0.0.1:3000/pay/return?order=A1';

/** data of a 2.0.6 answer, its sign checked. */
function data20(json: any): any {
  const { sign: received, ...unsigned } = json.data;
  expect(received).toBe(sign(unsigned, 'HMAC_SHA256', DEMO_SECRET));
  return json.data;
}

describe.each(ADAPTERS)('channel auth with Alipay (hosted flows) over %s', (adapter) => {
  let wechat: RunningSimulator;
  let alipay: RunningAlipaySimulator;
  let app: INestApplication;
  let baseUrl = '';
  const MERCHANT_30_ALIPAY: MerchantInput = { ...MERCHANT_30, mchNo: 'M3000000007', appId: 'A3000000007' };

  beforeAll(async () => {
    wechat = await startSimulatorServer({ apps: [DEMO_WECHAT_APP] });
    // user_id mode: the id 3.0's AuthResult carries as userId.
    alipay = await startAlipaySimulator({ apps: [{ appId: DEMO_ALIPAY_APP_ID, ids: 'user_id' }] });
    const keys = alipay.appKeys(DEMO_ALIPAY_APP_ID);
    const alipayApp = {
      appId: DEMO_ALIPAY_APP_ID,
      appPrivateKey: keys.appPrivateKey ?? '',
      alipayPublicKey: keys.alipayPublicKey,
    };
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    app = await createDemoApp({
      adapter,
      logger: false,
      wechatBase: wechat.baseUrl,
      override: {
        merchants: [
          { ...DEMO_MERCHANT, alipay: alipayApp },
          WECHAT_ONLY_MERCHANT,
          { ...MERCHANT_30_ALIPAY, alipay: alipayApp },
        ],
        hostedAuth: { publicBaseUrl: baseUrl },
        wechat: { apiBase: wechat.baseUrl, openBase: wechat.baseUrl },
        alipay: { gateway: alipay.gateway, openAuthBase: alipay.openAuthBase },
      },
    });
    await app.listen(port, '127.0.0.1');
  }, 30_000);
  afterAll(async () => {
    await app?.close();
    await alipay?.close();
    await wechat?.close();
  });

  async function startQr(): Promise<{ authUrl: string; queryCode: string }> {
    const r = await postChannelAuth(baseUrl, 'generateAuthUrl', signedBody({ channel: 'ali_pay', authType: 'alipay' }));
    expect(r.json.data.code).toBe(0);
    return r.json.data;
  }
  /** The simulator's redirect back to the gateway's Alipay callback, for `user`. */
  async function consent(authUrl: string, user: string): Promise<string> {
    const url = new URL(authUrl);
    url.searchParams.set('sim_user', user);
    const res = await getPage(url.toString());
    expect(res.status).toBe(302);
    return res.location!;
  }

  /** The payer refuses at Alipay: auth_user asks (auth_base is silent), Deny; the simulator's redirect to the callback, no auth_code. */
  async function decline(authUrl: string): Promise<URL> {
    const url = new URL(authUrl);
    url.searchParams.set('scope', 'auth_user');
    url.searchParams.set('sim_consent', 'deny');
    const res = await getPage(url.toString());
    expect(res.status).toBe(302);
    const back = new URL(res.location!);
    expect(back.searchParams.has('auth_code')).toBe(false);
    expect(back.searchParams.get('state')).toBe(new URL(authUrl).searchParams.get('state'));
    return back;
  }

  it('QR flow: Alipay authorize URL → simulator → gateway callback → auth by queryCode answers the userId', async () => {
    const { authUrl, queryCode } = await startQr();
    const authorize = new URL(authUrl);
    expect(authorize.origin).toBe(alipay.baseUrl);
    expect(authorize.searchParams.get('app_id')).toBe(DEMO_ALIPAY_APP_ID);
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${baseUrl}/unipay/assist/channel/auth/callback/alipay`);
    expect(authorize.searchParams.get('state')).toBeTruthy();
    const waiting = data20(
      (await postChannelAuth(baseUrl, 'auth', signedBody({ channel: 'ali_pay', queryCode }))).json,
    );
    expect(waiting).toMatchObject({ code: 0, status: 'waiting' });

    const before = alipay.simulator.exchanges;
    const callback = await consent(authUrl, 'ali-qr');
    expect(callback.startsWith(`${baseUrl}/unipay/assist/channel/auth/callback/alipay?`)).toBe(true);
    const page = await getPage(callback);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Authorization complete');
    expect(page.text).not.toContain(AlipaySimulator.userIdFor('ali-qr'));
    expect(alipay.simulator.exchanges - before).toBe(1);

    const done = data20((await postChannelAuth(baseUrl, 'auth', signedBody({ channel: 'ali_pay', queryCode }))).json);
    expect(done).toMatchObject({ code: 0, status: 'success', userId: AlipaySimulator.userIdFor('ali-qr') });
    expect(done.accessToken).toBeUndefined();
  });

  it('the same auth_code twice (callback refresh) → one upstream call, the same result', async () => {
    const { authUrl, queryCode } = await startQr();
    const before = alipay.simulator.exchanges;
    const callback = await consent(authUrl, 'ali-twice');
    expect((await getPage(callback)).text).toContain('Authorization complete');
    expect((await getPage(callback)).text).toContain('Authorization complete');
    expect(alipay.simulator.exchanges - before).toBe(1);
    const done = data20((await postChannelAuth(baseUrl, 'auth', signedBody({ channel: 'ali_pay', queryCode }))).json);
    expect(done.userId).toBe(AlipaySimulator.userIdFor('ali-twice'));
  });

  it("a state the gateway never minted, or a WeChat flow's state, is refused with the bad-link page and no exchange", async () => {
    const { authUrl } = await startQr();
    const callback = new URL(await consent(authUrl, 'ali-foreign'));
    const before = alipay.simulator.exchanges;
    callback.searchParams.set('state', 'x'.repeat(43));
    const forged = await getPage(callback.toString());
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(forged.text).not.toContain('Authorization complete');
    const wx = await postChannelAuth(baseUrl, 'generateAuthUrl', signedBody({ channel: 'wechat_pay' }));
    callback.searchParams.set('state', new URL(wx.json.data.authUrl.split('#')[0]).searchParams.get('state')!);
    const crossed = await getPage(callback.toString());
    expect(crossed.status).toBeGreaterThanOrEqual(400);
    // And the other way: an Alipay flow's state at WeChat's callback.
    const aliState = new URL(authUrl).searchParams.get('state')!;
    const intoWechat = await getPage(
      `${baseUrl}/unipay/assist/channel/auth/callback/wechat?code=anycode&state=${aliState}`,
    );
    expect(intoWechat.status).toBeGreaterThanOrEqual(400);
    expect(alipay.simulator.exchanges - before).toBe(0);
  });

  it('auth with an authCode and channel ali_pay exchanges directly; a 3.0 merchant gets the AuthResult bean with userId', async () => {
    const direct = await postChannelAuth(
      baseUrl,
      'generateAuthUrl',
      body30(MERCHANT_30_ALIPAY, { channel: 'ali_pay' }),
    );
    expect(direct.json.code).toBe(0);
    const authorize = new URL(direct.json.data.authUrl);
    // The merchant's own page takes the code here (no callback): the code is read off the redirect.
    authorize.searchParams.set('redirect_uri', 'http://127.0.0.1:3000/mine');
    const code = await authCodeFrom(`${authorize.toString()}&sim_user=ali-direct`);
    const r = await postChannelAuth(
      baseUrl,
      'auth',
      body30(MERCHANT_30_ALIPAY, { channel: 'ali_pay', authType: 'alipay', authCode: code }),
    );
    expect(r.json.code).toBe(0);
    expect(r.json.data).toMatchObject({ userId: AlipaySimulator.userIdFor('ali-direct'), status: 'success' });
    expect(Object.keys(r.json.data)).toEqual(['userId', 'status']);
    expect(daxpay3Reference.verifyAnswer(r.json, 'AuthResult', 'HMAC_SHA256', MERCHANT_30.signSecret as string)).toBe(
      true,
    );
  });

  it('a merchant without an Alipay app keeps 29401', async () => {
    const r = await postChannelAuth(
      baseUrl,
      'generateAuthUrl',
      signedBody({ mchNo: WECHAT_ONLY_MERCHANT.mchNo, appId: WECHAT_ONLY_MERCHANT.appId, channel: 'ali_pay' }),
    );
    expect(r.json.code).toBe(29401);
  });

  it('the upstream-call metric counts the Alipay exchanges under channel="alipay", none under wechat', async () => {
    const res = await fetch(`${baseUrl}/metrics`);
    const text = await res.text();
    const sample = (series: string): number | undefined => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    // QR, refresh (one call for two loads), direct auth so far: every call the simulator answered, labelled alipay.
    expect(sample('unipay_assist_upstream_call_duration_seconds_count{outcome="ok",channel="alipay"}')).toBe(
      alipay.simulator.exchanges,
    );
    expect(sample('unipay_assist_upstream_call_duration_seconds_count{outcome="ok",channel="wechat"}')).toBeUndefined();
  });

  it('health reports the Alipay breaker under breakers.alipay', async () => {
    const health = (await (await fetch(`${baseUrl}/health`)).json()) as {
      status: string;
      info: { unipayAssist: Record<string, unknown> };
    };
    const host = new URL(alipay.baseUrl).host;
    expect(health.status).toBe('ok');
    // No WeChat exchange has run in this gateway: no wechat entry.
    expect(health.info.unipayAssist.breakers).toEqual({ alipay: { [host]: 'closed' } });
  });

  describe('the payer declines at Alipay (back with state, no auth_code)', () => {
    it('QR: a "declined" page, a stored refusal the poll reads as a signed business failure, no exchange; allowing afterwards completes', async () => {
      const { authUrl, queryCode } = await startQr();
      const before = alipay.simulator.exchanges;
      const callback = await decline(authUrl);
      expect(callback.origin + callback.pathname).toBe(`${baseUrl}/unipay/assist/channel/auth/callback/alipay`);
      const page = await getPage(callback.toString());
      expect(page.status).toBe(200);
      expect(page.text).toContain('Authorization declined');
      const read = data20((await postChannelAuth(baseUrl, 'auth', signedBody({ channel: 'ali_pay', queryCode }))).json);
      expect(read).toEqual({
        code: 1,
        msg: 'the payer declined authorization',
        resTime: expect.any(Number),
        sign: expect.any(String),
      });
      expect(alipay.simulator.exchanges - before).toBe(0);

      // The refusal leaves the flow open: the payer scans again and allows.
      expect((await getPage(await consent(authUrl, 'ali-changed-mind'))).text).toContain('Authorization complete');
      const done = data20((await postChannelAuth(baseUrl, 'auth', signedBody({ channel: 'ali_pay', queryCode }))).json);
      expect(done).toMatchObject({ code: 0, status: 'success', userId: AlipaySimulator.userIdFor('ali-changed-mind') });
      // A late refusal (the payer's back button on the finished flow) never overwrites the success.
      expect((await getPage(callback.toString())).text).toContain('Authorization complete');
      const still = data20(
        (await postChannelAuth(baseUrl, 'auth', signedBody({ channel: 'ali_pay', queryCode }))).json,
      );
      expect(still).toMatchObject({ status: 'success', userId: AlipaySimulator.userIdFor('ali-changed-mind') });
      expect(alipay.simulator.exchanges - before).toBe(1);
    });

    it('a 3.0 merchant polls the refusal as a signed 3.0 business failure (20080), no errcode, no data', async () => {
      const gen = await postChannelAuth(
        baseUrl,
        'generateAuthUrl',
        body30(MERCHANT_30_ALIPAY, { channel: 'ali_pay', authType: 'alipay' }),
      );
      expect(gen.json.code).toBe(0);
      const before = alipay.simulator.exchanges;
      // What Alipay sends back on a refusal: the state alone.
      const state = new URL(gen.json.data.authUrl).searchParams.get('state')!;
      const page = await getPage(`${baseUrl}/unipay/assist/channel/auth/callback/alipay?state=${state}`);
      expect(page.text).toContain('Authorization declined');
      const r = await postChannelAuth(
        baseUrl,
        'auth',
        body30(MERCHANT_30_ALIPAY, { channel: 'ali_pay', authType: 'alipay', queryCode: gen.json.data.queryCode }),
      );
      expect(r.json).toMatchObject({ code: 20080, msg: 'the payer declined authorization' });
      expect(r.json).not.toHaveProperty('data');
      expect(r.json).not.toHaveProperty('wxErrcode');
      expect(daxpay3Reference.verifyAnswer(r.json, null, 'HMAC_SHA256', MERCHANT_30.signSecret as string)).toBe(true);
      expect(alipay.simulator.exchanges - before).toBe(0);
    });

    it('an empty auth_code is stored as a refusal too, with a page naming Alipay', async () => {
      const { authUrl, queryCode } = await startQr();
      const state = new URL(authUrl).searchParams.get('state')!;
      const page = await getPage(`${baseUrl}/unipay/assist/channel/auth/callback/alipay?auth_code=&state=${state}`);
      expect(page.status).toBe(400);
      expect(page.text).toContain('Alipay came back without an authorization code');
      const read = data20((await postChannelAuth(baseUrl, 'auth', signedBody({ channel: 'ali_pay', queryCode }))).json);
      expect(read).toMatchObject({ code: 1, msg: 'Alipay came back without an auth code' });
    });
  });

  describe('jump with AUTO', () => {
    function jumpUrl(fields: Record<string, unknown>): string {
      const signed = signedBody({ redirectUrl: RETURN, extParam: 'order-A1', ...fields });
      const q = new URLSearchParams(Object.entries(signed).map(([k, v]): [string, string] => [k, String(v)]));
      return `${baseUrl}/unipay/assist/channel/auth/jump?${q.toString()}`;
    }

    it('under an AlipayClient UA: 302 to Alipay, back through the gateway to redirectUrl; auth reads the userId', async () => {
      const jump = await getPage(jumpUrl({ channel: 'AUTO' }), { 'user-agent': ALIPAY_UA });
      expect(jump.status).toBe(302);
      const authorize = new URL(jump.location!);
      expect(authorize.origin).toBe(alipay.baseUrl);
      expect(authorize.searchParams.get('redirect_uri')).toBe(`${baseUrl}/unipay/assist/channel/auth/callback/alipay`);
      // The browser that opened the jump comes back with its binding cookie.
      const cookie = jump.headers.get('set-cookie')!.split(';')[0];
      const back = await getPage(await consent(jump.location!, 'ali-jump'), { cookie });
      expect(back.status).toBe(302);
      const landed = new URL(back.location!);
      expect(landed.origin + landed.pathname).toBe('http://127.0.0.1:3000/pay/return');
      expect(landed.searchParams.get('extParam')).toBe('order-A1');
      const queryCode = landed.searchParams.get('queryCode')!;
      const done = data20((await postChannelAuth(baseUrl, 'auth', signedBody({ channel: 'ali_pay', queryCode }))).json);
      expect(done).toMatchObject({ status: 'success', userId: AlipaySimulator.userIdFor('ali-jump') });
    });

    it('declined inside Alipay: back to redirectUrl with the queryCode, and auth reads the refusal', async () => {
      const jump = await getPage(jumpUrl({ channel: 'AUTO', extParam: 'order-D1' }), { 'user-agent': ALIPAY_UA });
      expect(jump.status).toBe(302);
      const before = alipay.simulator.exchanges;
      const back = await getPage((await decline(jump.location!)).toString(), {
        cookie: jump.headers.get('set-cookie')!.split(';')[0],
      });
      expect(back.status).toBe(302);
      const landed = new URL(back.location!);
      expect(landed.origin + landed.pathname).toBe('http://127.0.0.1:3000/pay/return');
      expect(landed.searchParams.get('extParam')).toBe('order-D1');
      const read = data20(
        (
          await postChannelAuth(
            baseUrl,
            'auth',
            signedBody({ channel: 'ali_pay', queryCode: landed.searchParams.get('queryCode') }),
          )
        ).json,
      );
      expect(read).toMatchObject({ code: 1, msg: 'the payer declined authorization' });
      expect(alipay.simulator.exchanges - before).toBe(0);
    });

    it('under a MicroMessenger UA: 302 to WeChat; elsewhere the "open in WeChat or Alipay" page', async () => {
      const wx = await getPage(jumpUrl({ authType: 'AUTO' }), { 'user-agent': WECHAT_UA });
      expect(wx.status).toBe(302);
      const authorize = new URL(wx.location!.split('#')[0]);
      expect(authorize.origin + authorize.pathname).toBe(`${wechat.baseUrl}/connect/oauth2/authorize`);
      expect(authorize.searchParams.get('redirect_uri')).toBe(`${baseUrl}/unipay/assist/channel/auth/callback/wechat`);
      const plain = await getPage(jumpUrl({ channel: 'AUTO' }), { 'user-agent': PLAIN_UA });
      expect(plain.status).toBe(200);
      expect(plain.text).toContain('Open this page in WeChat or Alipay');
    });
  });

  describe("authPath + authAndSet (DaxPay's authPath: a page that takes the auth_code itself)", () => {
    /** generateAuthUrl with authPath, then the simulator's redirect to that page for `user`. */
    async function toPage(body: Record<string, unknown>, user: string): Promise<{ queryCode: string; back: URL }> {
      const gen = await postChannelAuth(baseUrl, 'generateAuthUrl', body);
      expect(gen.json.code).toBe(0);
      const { authUrl, queryCode } = gen.json.data;
      const authorize = new URL(authUrl);
      expect(authorize.origin).toBe(alipay.baseUrl);
      authorize.searchParams.set('sim_user', user);
      const res = await getPage(authorize.toString());
      expect(res.status).toBe(302);
      return { queryCode, back: new URL(res.location!) };
    }

    it("a path on the gateway's own front: Alipay sends auth_code and the queryCode there; authAndSet stores the ids once, auth reads them; a refresh is idempotent, another code 29404", async () => {
      const { queryCode, back } = await toPage(
        signedBody({ channel: 'ali_pay', authType: 'alipay', authPath: '/h5/alipay-back?order=B7' }),
        'ali-page',
      );
      expect(back.origin + back.pathname).toBe(`${baseUrl}/h5/alipay-back`);
      expect(back.searchParams.get('order')).toBe('B7');
      expect(back.searchParams.get('queryCode')).toBe(queryCode);
      const authCode = back.searchParams.get('auth_code')!;
      expect(authCode).toBeTruthy();
      expect(
        data20((await postChannelAuth(baseUrl, 'auth', signedBody({ channel: 'ali_pay', queryCode }))).json),
      ).toMatchObject({ status: 'waiting' });

      const before = alipay.simulator.exchanges;
      const set = await postChannelAuth(
        baseUrl,
        'authAndSet',
        signedBody({ channel: 'ali_pay', authType: 'alipay', authCode, queryCode }),
      );
      expect(set.json).toMatchObject({ code: 0, msg: 'success' });
      expect(data20(set.json)).toEqual({ code: 0, resTime: expect.any(Number), sign: expect.any(String) });
      // The page reloads and sends the same auth_code again: the same answer, Alipay called once.
      const refresh = await postChannelAuth(
        baseUrl,
        'authAndSet',
        signedBody({ channel: 'ali_pay', authType: 'alipay', authCode, queryCode }),
      );
      expect(data20(refresh.json)).toMatchObject({ code: 0 });
      expect(alipay.simulator.exchanges - before).toBe(1);

      const read = data20((await postChannelAuth(baseUrl, 'auth', signedBody({ channel: 'ali_pay', queryCode }))).json);
      expect(read).toMatchObject({ code: 0, status: 'success', userId: AlipaySimulator.userIdFor('ali-page') });
      expect(read.accessToken).toBeUndefined();

      // Another auth_code for the completed queryCode: 29404, the stored ids kept, the other code not spent.
      const other = alipay.simulator.issueAuthCode(DEMO_ALIPAY_APP_ID, 'ali-intruder');
      const taken = await postChannelAuth(
        baseUrl,
        'authAndSet',
        signedBody({ channel: 'ali_pay', authType: 'alipay', authCode: other, queryCode }),
      );
      expect(taken.json).toMatchObject({ code: 29404, data: null });
      expect(alipay.simulator.codeState(other)).toBe('unused');
      expect(alipay.simulator.exchanges - before).toBe(1);
      const still = data20(
        (await postChannelAuth(baseUrl, 'auth', signedBody({ channel: 'ali_pay', queryCode }))).json,
      );
      expect(still.userId).toBe(AlipaySimulator.userIdFor('ali-page'));
    });

    it("a 3.0 merchant's own page (absolute authPath on its allow-list): Alipay's refusal of a code is a signed 20080 and leaves the flow open; the good code then completes it", async () => {
      const { queryCode, back } = await toPage(
        body30(MERCHANT_30_ALIPAY, {
          channel: 'ali_pay',
          authType: 'alipay',
          authPath: 'http://localhost:3000/ali/back',
        }),
        'ali-page-30',
      );
      expect(back.origin + back.pathname).toBe('http://localhost:3000/ali/back');
      expect(back.searchParams.get('queryCode')).toBe(queryCode);
      const authCode = back.searchParams.get('auth_code')!;

      const refused = await postChannelAuth(
        baseUrl,
        'authAndSet',
        body30(MERCHANT_30_ALIPAY, {
          channel: 'ali_pay',
          authType: 'alipay',
          authCode: 'never-issued-auth-code',
          queryCode,
        }),
      );
      expect(refused.json).toMatchObject({ code: 20080, msg: expect.stringContaining('isv.code-invalid') });
      expect(refused.json).not.toHaveProperty('data');
      expect(daxpay3Reference.verifyAnswer(refused.json, null, 'HMAC_SHA256', MERCHANT_30.signSecret as string)).toBe(
        true,
      );
      const failed = await postChannelAuth(
        baseUrl,
        'auth',
        body30(MERCHANT_30_ALIPAY, { channel: 'ali_pay', authType: 'alipay', queryCode }),
      );
      expect(failed.json).toMatchObject({ code: 20080, msg: expect.stringContaining('isv.code-invalid') });

      const set = await postChannelAuth(
        baseUrl,
        'authAndSet',
        body30(MERCHANT_30_ALIPAY, { channel: 'ali_pay', authType: 'alipay', authCode, queryCode }),
      );
      expect(set.json).toMatchObject({ code: 0, msg: 'success' });
      expect(set.json).not.toHaveProperty('data');
      expect(daxpay3Reference.verifyAnswer(set.json, null, 'HMAC_SHA256', MERCHANT_30.signSecret as string)).toBe(true);
      const read = await postChannelAuth(
        baseUrl,
        'auth',
        body30(MERCHANT_30_ALIPAY, { channel: 'ali_pay', authType: 'alipay', queryCode }),
      );
      expect(read.json.data).toEqual({ userId: AlipaySimulator.userIdFor('ali-page-30'), status: 'success' });
      expect(
        daxpay3Reference.verifyAnswer(read.json, 'AuthResult', 'HMAC_SHA256', MERCHANT_30.signSecret as string),
      ).toBe(true);
    });

    it("an absolute authPath off the merchant's allow-list is refused with 29062", async () => {
      const r = await postChannelAuth(
        baseUrl,
        'generateAuthUrl',
        signedBody({ channel: 'ali_pay', authType: 'alipay', authPath: 'https://evil.example.net/back' }),
      );
      expect(r.json).toMatchObject({ code: 29062, data: null });
    });
  });
});
