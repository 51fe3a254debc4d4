import { ADAPTERS } from '../../../../test/support/gateway';
import { beijingTime, openBody, openReference, openVector } from '../../../../test/support/daxpay-open-reference';
import {
  MERCHANT_KEY,
  OPEN_MERCHANT,
  OPEN_MERCHANT_NO_APP,
  OpenGateway,
  PLATFORM_KEY,
  postOpen,
  startOpenGateway,
} from '../../../../test/support/open-gateway';
import { DEMO_WECHAT_APP } from '../../../../apps/demo/src/demo-merchant';
import { RunningSimulator, startSimulatorServer } from '../../../simulator/src/simulator.server';
import { TestClock } from '../../../../test/support/test-clock';
import { signedBody } from '../../../../test/support/gateway';
import { startAlipaySimulator, RunningAlipaySimulator } from '../../../simulator/src/alipay-simulator.server';
import { DEMO_ALIPAY_APP_ID } from '../../../../apps/demo/src/demo-merchant';

const PING = 'unipay/ping';
const GAU = 'unipay/assist/channel/auth/generate-auth-url';
const AUTH = 'unipay/assist/channel/auth/auth';
const AUTH_AND_SET = 'unipay/assist/channel/auth/auth-and-set';

/** The vectors' instant: reqTime 2026-01-15 10:30:00 Beijing, answered one second later. */
const VECTOR_NOW = Date.UTC(2026, 0, 15, 2, 30, 1) / 1000;

function verifiedAnswer(raw: string): void {
  // As the SDKs verify: over the sign string of the raw text, with the platform public key.
  expect(openReference.verifyRaw(raw, PLATFORM_KEY.publicKeyPem)).toBe(true);
}

const sign = (fields: Record<string, unknown>) => ({
  ...fields,
  sign: openReference.sign(openReference.signString(fields), MERCHANT_KEY.privateKeyPem),
});

describe.each(ADAPTERS)('DaxPay Open wire (%s)', (adapter) => {
  let sim: RunningSimulator;
  let gw: OpenGateway;
  let pinned: OpenGateway;
  const clock = TestClock.at(VECTOR_NOW);

  beforeAll(async () => {
    sim = await startSimulatorServer({ apps: [DEMO_WECHAT_APP] });
    gw = await startOpenGateway(adapter, sim.baseUrl);
    pinned = await startOpenGateway(adapter, sim.baseUrl, { clock });
  });
  afterAll(async () => {
    await gw?.app.close();
    await pinned?.app.close();
    await sim?.close();
  });

  describe('POST /unipay/ping', () => {
    it('answers the vector request with the vector answer, byte for byte (platform-signed DaxResult)', async () => {
      const v = openVector('ping-request');
      const res = await postOpen(pinned.baseUrl, PING, { ...v.input, sign: v.sign });
      expect(res.status).toBe(200);
      expect(res.raw).toBe(openVector('ping-answer').raw);
      verifiedAnswer(res.raw);
    });

    it("a fresh ping: serverSignStr is the client's own sign string, reqId echoed, resTime Beijing time", async () => {
      const body = openBody(OPEN_MERCHANT, MERCHANT_KEY.privateKeyPem);
      const res = await postOpen(gw.baseUrl, PING, body);
      verifiedAnswer(res.raw);
      expect(res.json).toMatchObject({
        code: 0,
        msg: 'success',
        reqId: body.reqId,
        data: { mchNo: 'M2000000001', appId: 'A2000000001', appFromDefault: false },
      });
      expect(res.json.data.serverSignStr).toBe(openReference.signString(body));
      expect(res.json.resTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    });

    it("no appId: the merchant's own, appFromDefault true; a merchant without one answers none", async () => {
      const res = await postOpen(gw.baseUrl, PING, openBody({ mchNo: 'M2000000001' }, MERCHANT_KEY.privateKeyPem));
      expect(res.json.data).toMatchObject({ appId: 'A2000000001', appFromDefault: true });
      const none = await postOpen(
        gw.baseUrl,
        PING,
        openBody({ mchNo: OPEN_MERCHANT_NO_APP.mchNo }, MERCHANT_KEY.privateKeyPem),
      );
      expect(none.json.code).toBe(0);
      expect(none.json.data).toEqual({
        mchNo: 'M2000000009',
        appFromDefault: false,
        serverSignStr: expect.any(String),
      });
    });

    it("a bad sign is 20052, signed, with the server's sign string in msg (an RSA string holds no secret)", async () => {
      const body = openBody(OPEN_MERCHANT, MERCHANT_KEY.privateKeyPem);
      const res = await postOpen(gw.baseUrl, PING, { ...body, clientIp: '10.0.0.1' });
      expect(res.json).toMatchObject({ code: 20052, reqId: body.reqId });
      expect(res.json.msg).toContain(`clientIp=10.0.0.1&mchNo=`);
      expect(res.json.data).toBeUndefined();
      verifiedAnswer(res.raw);
    });

    it("an undeclared field is not in the server's string: signing one is 20052, sending it unsigned is fine", async () => {
      const signedExtra = openBody(OPEN_MERCHANT, MERCHANT_KEY.privateKeyPem, { extra: 'x' });
      expect((await postOpen(gw.baseUrl, PING, signedExtra)).json.code).toBe(20052);
      const body = openBody(OPEN_MERCHANT, MERCHANT_KEY.privateKeyPem);
      expect((await postOpen(gw.baseUrl, PING, { ...body, extra: 'x' })).json.code).toBe(0);
    });

    it('an ISO reqTime with offset binds; its sign string is the Beijing literal', async () => {
      const now = Math.floor(Date.now() / 1000);
      const iso = new Date(now * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
      const fields = { mchNo: 'M2000000001', reqId: 'R-ISO', reqTime: beijingTime(now), nonceStr: `iso${now}` };
      const res = await postOpen(gw.baseUrl, PING, { ...sign(fields), reqTime: iso });
      expect(res.json.code).toBe(0);
    });

    it('nonce: missing 10408; reused by another request 10409; a byte-identical re-send gets its first answer', async () => {
      const missing = sign({ mchNo: 'M2000000001', reqId: 'R-N0', reqTime: beijingTime() });
      expect((await postOpen(gw.baseUrl, PING, missing)).json).toMatchObject({ code: 10408, reqId: 'R-N0' });
      const first = openBody(OPEN_MERCHANT, MERCHANT_KEY.privateKeyPem);
      const a = await postOpen(gw.baseUrl, PING, first);
      expect(a.json.code).toBe(0);
      const again = await postOpen(gw.baseUrl, PING, first);
      expect(again.raw).toBe(a.raw);
      const reused = sign({ ...first, sign: undefined, reqId: 'R-OTHER' });
      const r = await postOpen(gw.baseUrl, PING, reused);
      expect(r.json).toMatchObject({ code: 10409, reqId: 'R-OTHER' });
      verifiedAnswer(r.raw);
    });

    it("reqTime outside the merchant's window, behind or ahead: 10410", async () => {
      const now = Math.floor(Date.now() / 1000);
      for (const t of [now - 330, now + 330]) {
        const res = await postOpen(
          gw.baseUrl,
          PING,
          sign({ mchNo: 'M2000000001', reqId: `R-T${t}`, reqTime: beijingTime(t), nonceStr: `t${t}` }),
        );
        expect(res.json).toMatchObject({ code: 10410 });
        verifiedAnswer(res.raw);
      }
      const edge = await postOpen(
        gw.baseUrl,
        PING,
        sign({ mchNo: 'M2000000001', reqId: 'R-EDGE', reqTime: beijingTime(now + 250), nonceStr: `edge${now}` }),
      );
      expect(edge.json.code).toBe(0);
    });

    it('validation 10506 (reqId required, <= 64; sign required), unknown merchant 20023, all signed, no 5xx', async () => {
      const noReqId = sign({ mchNo: 'M2000000001', reqTime: beijingTime(), nonceStr: 'n1' });
      expect((await postOpen(gw.baseUrl, PING, noReqId)).json).toMatchObject({
        code: 10506,
        msg: expect.stringContaining('reqId'),
      });
      const long = await postOpen(
        gw.baseUrl,
        PING,
        sign({ mchNo: 'M2000000001', reqId: 'x'.repeat(65), reqTime: beijingTime(), nonceStr: 'n2' }),
      );
      expect(long.json.code).toBe(10506);
      expect(long.json.reqId).toBeUndefined();
      const unsigned = await postOpen(gw.baseUrl, PING, {
        mchNo: 'M2000000001',
        reqId: 'R-U',
        reqTime: beijingTime(),
        nonceStr: 'n3',
      });
      expect(unsigned.json).toMatchObject({ code: 10506, reqId: 'R-U' });
      const unknown = await postOpen(gw.baseUrl, PING, openBody({ mchNo: 'M404' }, MERCHANT_KEY.privateKeyPem));
      expect(unknown.json.code).toBe(20023);
      for (const res of [long, unsigned, unknown]) verifiedAnswer(res.raw);
      const notJson = await postOpen(gw.baseUrl, PING, '[1,2]');
      expect(notJson.status).toBe(200);
      expect(notJson.json.code).toBe(10505);
    });

    it('a merchant of another dialect is not served here (20023); an Open merchant is turned away from the secret routes', async () => {
      const demo = await postOpen(
        gw.baseUrl,
        PING,
        openBody({ mchNo: 'M1000000001', appId: 'A1000000001' }, MERCHANT_KEY.privateKeyPem),
      );
      expect(demo.json.code).toBe(20023);
      const res = await postOpen(
        gw.baseUrl,
        'unipay/assist/getWxAuthUrl',
        signedBody({ mchNo: 'M2000000001', appId: 'A2000000001', redirectUrl: 'https://shop.example.com/x' }),
      );
      expect(res.json).toMatchObject({ code: 10006, msg: expect.stringContaining('daxpay-open') });
    });
  });

  describe('channel auth (Open flow)', () => {
    it('generate-auth-url: authToken is the OAuth state; the hosted callback completes it; auth by queryCode answers success and returnPath', async () => {
      const gau = await postOpen(
        gw.baseUrl,
        GAU,
        openBody(OPEN_MERCHANT, MERCHANT_KEY.privateKeyPem, {
          channel: 'wechat',
          authType: 'wechat',
          returnPath: 'https://shop.example.com/pay/42',
        }),
      );
      verifiedAnswer(gau.raw);
      expect(gau.json.code).toBe(0);
      const { authUrl, queryCode, authToken } = gau.json.data;
      const authorize = new URL(authUrl);
      expect(authorize.searchParams.get('state')).toBe(authToken);
      expect(authorize.searchParams.get('redirect_uri')).toBe(
        `${gw.baseUrl}/unipay/assist/channel/auth/callback/wechat`,
      );

      const waiting = await postOpen(
        gw.baseUrl,
        AUTH,
        openBody(OPEN_MERCHANT, MERCHANT_KEY.privateKeyPem, { channel: 'wechat', queryCode }),
      );
      expect(waiting.json.data).toMatchObject({ status: 'waiting', returnPath: 'https://shop.example.com/pay/42' });

      const toCallback = (await fetch(authUrl, { redirect: 'manual' })).headers.get('location')!;
      const page = await fetch(toCallback, { redirect: 'manual' });
      expect(page.status).toBe(200);

      const done = await postOpen(
        gw.baseUrl,
        AUTH,
        openBody(OPEN_MERCHANT, MERCHANT_KEY.privateKeyPem, { channel: 'wechat', queryCode }),
      );
      verifiedAnswer(done.raw);
      expect(done.json.data).toEqual({
        status: 'success',
        openId: expect.stringMatching(/^o/),
        returnPath: 'https://shop.example.com/pay/42',
      });
      expect(done.raw).not.toContain('accessToken');
    });

    it('authType defaults to wechat on the server and is signed: omitted but signed by the client is accepted, omitted and unsigned is 20052', async () => {
      const fields = {
        mchNo: 'M2000000001',
        reqId: 'R-D1',
        reqTime: beijingTime(),
        nonceStr: `d1${Date.now()}`,
        channel: 'wechat',
      };
      const withDefault = {
        ...fields,
        sign: openReference.sign(
          openReference.signString({ ...fields, authType: 'wechat' }),
          MERCHANT_KEY.privateKeyPem,
        ),
      };
      expect((await postOpen(gw.baseUrl, GAU, withDefault)).json.code).toBe(0);
      const fields2 = { ...fields, reqId: 'R-D2', nonceStr: `d2${Date.now()}` };
      expect((await postOpen(gw.baseUrl, GAU, sign(fields2))).json.code).toBe(20052);
    });

    it('auth with authCode + authToken completes once; an unknown authToken is 20080; auth-and-set answers no data', async () => {
      const gau = await postOpen(
        gw.baseUrl,
        GAU,
        openBody(OPEN_MERCHANT, MERCHANT_KEY.privateKeyPem, {
          channel: 'wechat',
          authType: 'wechat',
        }),
      );
      const { authUrl, authToken } = gau.json.data;
      const code = new URL((await fetch(authUrl, { redirect: 'manual' })).headers.get('location')!).searchParams.get(
        'code',
      )!;
      const set = await postOpen(
        gw.baseUrl,
        AUTH_AND_SET,
        openBody(OPEN_MERCHANT, MERCHANT_KEY.privateKeyPem, {
          channel: 'wechat',
          authCode: code,
          authToken,
        }),
      );
      verifiedAnswer(set.raw);
      expect(set.json.code).toBe(0);
      expect(set.json.data).toBeUndefined();
      const read = await postOpen(
        gw.baseUrl,
        AUTH,
        openBody(OPEN_MERCHANT, MERCHANT_KEY.privateKeyPem, {
          channel: 'wechat',
          authCode: code,
          authToken,
        }),
      );
      expect(read.json.data.status).toBe('success');
      const gone = await postOpen(
        gw.baseUrl,
        AUTH,
        openBody(OPEN_MERCHANT, MERCHANT_KEY.privateKeyPem, {
          channel: 'wechat',
          authToken: 'abcdefghijklmnopqrstuvwxyz',
        }),
      );
      expect(gone.json).toMatchObject({ code: 20080 });
      verifiedAnswer(gone.raw);
    });
  });

  describe('GET /unipay/open/auth/get-openid', () => {
    const linkQuery = (fields: Record<string, string>) =>
      new URLSearchParams(sign(fields) as Record<string, string>).toString();
    const link = (redirectUrl: string, extra: Record<string, string> = {}) =>
      linkQuery({
        mchNo: 'M2000000001',
        appId: 'A2000000001',
        reqId: 'R-LINK',
        reqTime: beijingTime(),
        nonceStr: 'n',
        authType: 'wechat',
        wxAppId: DEMO_WECHAT_APP.appId,
        redirectUrl,
        ...extra,
      });

    it('signed link -> WeChat authorize -> gateway callback -> 302 to redirectUrl with code=0, msg, openid and the platform sign over openId', async () => {
      const start = await fetch(
        `${gw.baseUrl}/unipay/open/auth/get-openid?${link('https://shop.example.com/pay/back')}`,
        { redirect: 'manual' },
      );
      expect(start.status).toBe(302);
      const authorize = start.headers.get('location')!;
      expect(authorize).toContain(
        'redirect_uri=' + encodeURIComponent(`${gw.baseUrl}/unipay/assist/channel/auth/callback/wechat`),
      );
      const callback = (await fetch(authorize, { redirect: 'manual' })).headers.get('location')!;
      const back = await fetch(callback, { redirect: 'manual' });
      expect(back.status).toBe(302);
      const url = new URL(back.headers.get('location')!);
      expect(`${url.origin}${url.pathname}`).toBe('https://shop.example.com/pay/back');
      const q = url.search
        .slice(1)
        .split('&')
        .map((p) => p.split('='));
      expect(q.map(([k]) => k)).toEqual(['code', 'msg', 'openid', 'sign']);
      const got = Object.fromEntries(q.map(([k, v]) => [k, decodeURIComponent(v)]));
      expect(got).toMatchObject({ code: '0', msg: 'success', openid: expect.stringMatching(/^o/) });
      expect(openReference.verify(`code=0&msg=success&openId=${got.openid}`, got.sign, PLATFORM_KEY.publicKeyPem)).toBe(
        true,
      );
      expect(openReference.verify(`code=0&msg=success&openid=${got.openid}`, got.sign, PLATFORM_KEY.publicKeyPem)).toBe(
        false,
      );
    });

    it('the payer declines: code=1, a message, no openid, signed', async () => {
      const start = await fetch(
        `${gw.baseUrl}/unipay/open/auth/get-openid?${link('https://shop.example.com/pay/back?order=7')}`,
        { redirect: 'manual' },
      );
      const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
      const back = await fetch(
        `${gw.baseUrl}/unipay/assist/channel/auth/callback/wechat?code=authdeny&state=${state}`,
        { redirect: 'manual' },
      );
      const location = back.headers.get('location')!;
      expect(location.startsWith('https://shop.example.com/pay/back?order=7&code=1&msg=')).toBe(true);
      const url = new URL(location);
      expect(url.searchParams.has('openid')).toBe(false);
      const msg = decodeURIComponent(location.split('&msg=')[1].split('&')[0]);
      const sig = decodeURIComponent(location.split('&sign=')[1]);
      expect(openReference.verify(`code=1&msg=${msg}`, sig, PLATFORM_KEY.publicKeyPem)).toBe(true);
    });

    it('redirectUrl off the allow-list, Douyin, a wrong wxAppId, a bad sign: signed JSON errors, no redirect', async () => {
      const off = await fetch(`${gw.baseUrl}/unipay/open/auth/get-openid?${link('https://evil.example.net/x')}`, {
        redirect: 'manual',
      });
      const offJson = JSON.parse(await off.clone().text());
      expect(off.status).toBe(200);
      expect(offJson).toMatchObject({ code: 29062, reqId: 'R-LINK' });
      verifiedAnswer(await off.text());
      const douyin = await (
        await fetch(
          `${gw.baseUrl}/unipay/open/auth/get-openid?${link('https://shop.example.com/x', { authType: 'douyin' })}`,
          { redirect: 'manual' },
        )
      ).json();
      // This merchant has no Douyin app: the channel is not available to it (docs/channels.md, Douyin).
      expect(douyin).toMatchObject({ code: 29401, msg: expect.stringContaining('channel douyin') });
      const wx = await (
        await fetch(
          `${gw.baseUrl}/unipay/open/auth/get-openid?${link('https://shop.example.com/x', { wxAppId: 'wxother' })}`,
          { redirect: 'manual' },
        )
      ).json();
      expect(wx).toMatchObject({ code: 10506, msg: expect.stringContaining('wxAppId') });
      const tampered = link('https://shop.example.com/x').replace('reqId=R-LINK', 'reqId=R-LINK2');
      const bad = (await (
        await fetch(`${gw.baseUrl}/unipay/open/auth/get-openid?${tampered}`, { redirect: 'manual' })
      ).json()) as { msg: string };
      expect(bad).toMatchObject({ code: 20052 });
      expect(bad.msg).not.toContain('mchNo=');
    });

    it('the vector link verifies (the sign is over the decoded query values)', async () => {
      const v = openVector('get-openid-request');
      const res = await fetch(`${pinned.baseUrl}/unipay/open/auth/get-openid?${v.query}`, { redirect: 'manual' });
      expect(res.status).toBe(302);
    });
  });

  describe('text routes', () => {
    it('GET /unipay/callback/ping answers its fixed text', async () => {
      const res = await fetch(`${gw.baseUrl}/unipay/callback/ping`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('daxpay-ping:unipay-callback');
    });

    it('GET /MP_verify_<code>.txt serves the configured file; an unknown code is 404', async () => {
      const res = await fetch(`${gw.baseUrl}/MP_verify_AbCdEf0123.txt`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toBe('AbCdEf0123');
      expect((await fetch(`${gw.baseUrl}/MP_verify_Nope.txt`)).status).toBe(404);
    });
  });
});

describe.each(ADAPTERS)('DaxPay Open get-openid with Alipay (%s)', (adapter) => {
  let wechat: RunningSimulator;
  let alipay: RunningAlipaySimulator;
  let gw: OpenGateway;
  beforeAll(async () => {
    wechat = await startSimulatorServer({ apps: [DEMO_WECHAT_APP] });
    alipay = await startAlipaySimulator({ apps: [{ appId: DEMO_ALIPAY_APP_ID }] });
    const keys = alipay.appKeys(DEMO_ALIPAY_APP_ID);
    gw = await startOpenGateway(adapter, wechat.baseUrl, {
      merchants: [{ ...OPEN_MERCHANT, alipay: { appId: DEMO_ALIPAY_APP_ID, appPrivateKey: keys.appPrivateKey ?? '', alipayPublicKey: keys.alipayPublicKey } }],
      alipay: { gateway: alipay.gateway, openAuthBase: alipay.openAuthBase },
    });
  });
  afterAll(async () => {
    await gw?.app.close();
    await alipay?.close();
    await wechat?.close();
  });

  it("authType alipay: Alipay's authorize page, the gateway's Alipay callback, the payer's Alipay id signed back as openid", async () => {
    const fields = { mchNo: 'M2000000001', reqId: 'R-ALI', reqTime: beijingTime(), nonceStr: 'n', authType: 'alipay', redirectUrl: 'https://shop.example.com/ali' };
    const query = new URLSearchParams(sign(fields) as Record<string, string>).toString();
    const start = await fetch(`${gw.baseUrl}/unipay/open/auth/get-openid?${query}`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const authorize = start.headers.get('location')!;
    expect(authorize.startsWith(alipay.openAuthBase)).toBe(true);
    const callback = (await fetch(authorize, { redirect: 'manual' })).headers.get('location')!;
    expect(new URL(callback).pathname).toBe('/unipay/assist/channel/auth/callback/alipay');
    const back = new URL((await fetch(callback, { redirect: 'manual' })).headers.get('location')!);
    const openid = back.searchParams.get('openid')!;
    expect(back.searchParams.get('code')).toBe('0');
    expect(openReference.verify(`code=0&msg=success&openId=${openid}`, back.searchParams.get('sign')!, PLATFORM_KEY.publicKeyPem)).toBe(true);
  });
});
