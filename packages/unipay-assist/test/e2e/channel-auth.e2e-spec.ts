import { DEMO_MERCHANT, DEMO_WECHAT_APP } from '../../../../apps/demo/src/demo-merchant';
import { MerchantInput } from '../../src/merchants/merchant';
import { sign } from '../../../wire/src/signing/signature';
import { WechatSimulator } from '../../../simulator/src/wechat-simulator';
import {
  authorizeAt,
  body30,
  chinaTime,
  getPage,
  MERCHANT_30,
  MERCHANT_30_MD5,
  MERCHANT_30_SM3,
  OTHER_MERCHANT,
  postChannelAuth,
  useChannelAuthGateway,
} from '../../../../test/support/channel-auth-gateway';
import { daxpay3Reference } from '../../../../test/support/daxpay3-reference';
import { ADAPTERS, DEMO_SECRET, nowSeconds, signedBody } from '../../../../test/support/gateway';

const TOKEN = /^[a-z2-7]{26}$/;
const DEMO_OPENID = WechatSimulator.openIdFor(DEMO_WECHAT_APP.appId, 'demo-user');

type SignType = 'MD5' | 'HMAC_SHA256' | 'SM3';
const signTypeOf = (m: MerchantInput): SignType => (m.signType ?? 'HMAC_SHA256') as SignType;

/** A 3.0 answer as its client checks it: code 0, and the sign over the typed bean. */
function expectSigned30(json: any, merchant: MerchantInput, dataClass: string | null): void {
  expect(daxpay3Reference.verifyAnswer(json, dataClass, signTypeOf(merchant), merchant.signSecret as string)).toBe(
    true,
  );
  expect(json.resTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  expect(json.traceId).toMatch(/^[A-Za-z0-9]{12}$/);
}

/** A 2.0.6 answer: outer code 0, data signed over all its fields. */
function expectSigned20(json: any, secret = DEMO_SECRET): Record<string, unknown> {
  expect(json).toMatchObject({ code: 0, msg: 'success' });
  const { sign: received, ...unsigned } = json.data;
  expect(received).toBe(sign(unsigned, 'HMAC_SHA256', secret));
  return json.data;
}

describe.each(ADAPTERS)('channel auth over %s', (adapter) => {
  const gw = useChannelAuthGateway(adapter);

  /** Runs WeChat's side of a hosted flow: consent at the simulator, then its redirect to the gateway's callback. */
  async function scan(authUrl: string, user?: string): Promise<{ status: number; text: string }> {
    const callback = await authorizeAt(authUrl, { user });
    expect(callback.startsWith(`${gw.baseUrl}/unipay/assist/channel/auth/callback/wechat?`)).toBe(true);
    return getPage(callback);
  }

  describe.each([MERCHANT_30, MERCHANT_30_MD5, MERCHANT_30_SM3])('DaxPay 3.0 merchant $mchNo ($signType)', (m) => {
    it('generateAuthUrl → QR flow at the gateway → auth by queryCode: waiting, then success, each answer signed as 3.0 signs', async () => {
      const gen = await postChannelAuth(
        gw.baseUrl,
        'generateAuthUrl',
        body30(m, { channel: 'wechat_pay', authType: 'wechat' }),
      );
      expect(gen.status).toBe(200);
      expect(Object.keys(gen.json)).toEqual(['code', 'msg', 'data', 'sign', 'resTime', 'traceId']);
      expect(gen.json).toMatchObject({
        code: 0,
        msg: 'success',
        data: { authUrl: expect.any(String), queryCode: expect.stringMatching(TOKEN) },
      });
      expect(Object.keys(gen.json.data)).toEqual(['authUrl', 'queryCode']);
      expectSigned30(gen.json, m, 'AuthUrlResult');
      const { authUrl, queryCode } = gen.json.data;
      const authorize = new URL(authUrl.split('#')[0]);
      expect(authorize.origin + authorize.pathname).toBe(`${gw.sim.baseUrl}/connect/oauth2/authorize`);
      expect(authorize.searchParams.get('redirect_uri')).toBe(
        `${gw.baseUrl}/unipay/assist/channel/auth/callback/wechat`,
      );
      expect(authorize.searchParams.get('state')).toMatch(TOKEN);
      expect(authorize.searchParams.get('state')).not.toBe(queryCode);

      const waiting = await postChannelAuth(gw.baseUrl, 'auth', body30(m, { channel: 'wechat_pay', queryCode }));
      expect(waiting.json).toMatchObject({ code: 0, data: { status: 'waiting' } });
      expectSigned30(waiting.json, m, 'AuthResult');

      const page = await scan(authUrl);
      expect(page.status).toBe(200);
      expect(page.text).toContain('Authorization complete');

      const done = await postChannelAuth(
        gw.baseUrl,
        'auth',
        body30(m, { channel: 'wechat_pay', authType: 'wechat', queryCode }),
      );
      expect(done.json).toMatchObject({
        code: 0,
        msg: 'success',
        data: { openId: DEMO_OPENID, accessToken: expect.stringMatching(/^SIM_AT_/), status: 'success' },
      });
      expect(Object.keys(done.json.data)).toEqual(['openId', 'accessToken', 'status']);
      expectSigned30(done.json, m, 'AuthResult');
    });

    it("a poll's 'waiting' is not kept for replay: the byte-identical poll sent again after the scan reads the result", async () => {
      const gen = await postChannelAuth(
        gw.baseUrl,
        'generateAuthUrl',
        body30(m, { channel: 'wechat_pay', authType: 'wechat' }),
      );
      const { authUrl, queryCode } = gen.json.data;
      const poll = body30(m, { channel: 'wechat_pay', queryCode });
      expect((await postChannelAuth(gw.baseUrl, 'auth', poll)).json).toMatchObject({
        code: 0,
        data: { status: 'waiting' },
      });
      expect((await scan(authUrl)).status).toBe(200);
      const again = await postChannelAuth(gw.baseUrl, 'auth', poll);
      expect(again.json).toMatchObject({ code: 0, data: { openId: DEMO_OPENID, status: 'success' } });
      expectSigned30(again.json, m, 'AuthResult');
      // The final answer is kept: the same poll once more gets it back byte for byte.
      expect((await postChannelAuth(gw.baseUrl, 'auth', poll)).json).toEqual(again.json);
    });
  });

  it('auth with an authCode alone exchanges it (idempotent: the same code again, same answer, one WeChat call)', async () => {
    const code = gw.sim.simulator.issueCode(DEMO_WECHAT_APP.appId, 'payer-7');
    const before = gw.sim.simulator.exchanges;
    const first = await postChannelAuth(
      gw.baseUrl,
      'auth',
      body30(MERCHANT_30, { channel: 'wechat_pay', authCode: code }),
    );
    const again = await postChannelAuth(
      gw.baseUrl,
      'auth',
      body30(MERCHANT_30, { channel: 'wechat_pay', authCode: code }),
    );
    expect(first.json.data).toEqual({
      openId: WechatSimulator.openIdFor(DEMO_WECHAT_APP.appId, 'payer-7'),
      accessToken: expect.any(String),
      status: 'success',
    });
    expect(again.json.data).toEqual(first.json.data);
    expect(gw.sim.simulator.exchanges - before).toBe(1);
    expectSigned30(again.json, MERCHANT_30, 'AuthResult');
  });

  it('authPath (merchant page) + authAndSet: the page gets code and queryCode, authAndSet stores the result, auth reads it', async () => {
    const gen = await postChannelAuth(
      gw.baseUrl,
      'generateAuthUrl',
      body30(MERCHANT_30, { channel: 'wechat_pay', authPath: 'http://localhost:3000/wx/back?order=9' }),
    );
    expect(gen.json.code).toBe(0);
    const { authUrl, queryCode } = gen.json.data;
    const back = new URL(await authorizeAt(authUrl, { user: 'page-user' }));
    expect(back.origin + back.pathname).toBe('http://localhost:3000/wx/back');
    expect(back.searchParams.get('order')).toBe('9');
    expect(back.searchParams.get('queryCode')).toBe(queryCode);
    const code = back.searchParams.get('code')!;

    const set = await postChannelAuth(
      gw.baseUrl,
      'authAndSet',
      body30(MERCHANT_30, { channel: 'wechat_pay', authCode: code, queryCode }),
    );
    expect(set.json).toMatchObject({ code: 0, msg: 'success' });
    expect(set.json).not.toHaveProperty('data');
    expectSigned30(set.json, MERCHANT_30, null);
    // A page refresh sends the same code again: same answer, never 40163.
    const refresh = await postChannelAuth(
      gw.baseUrl,
      'authAndSet',
      body30(MERCHANT_30, { channel: 'wechat_pay', authCode: code, queryCode }),
    );
    expect(refresh.json.code).toBe(0);

    const read = await postChannelAuth(gw.baseUrl, 'auth', body30(MERCHANT_30, { channel: 'wechat_pay', queryCode }));
    expect(read.json.data).toMatchObject({
      openId: WechatSimulator.openIdFor(DEMO_WECHAT_APP.appId, 'page-user'),
      status: 'success',
    });

    // Another code for a completed queryCode: refused, the stored result kept.
    const other = gw.sim.simulator.issueCode(DEMO_WECHAT_APP.appId, 'intruder');
    const taken = await postChannelAuth(
      gw.baseUrl,
      'authAndSet',
      body30(MERCHANT_30, { channel: 'wechat_pay', authCode: other, queryCode }),
    );
    expect(taken.json).toEqual({
      code: 29404,
      msg: expect.stringContaining('another authorization code'),
      data: null,
      traceId: expect.any(String),
    });
    const still = await postChannelAuth(gw.baseUrl, 'auth', body30(MERCHANT_30, { channel: 'wechat_pay', queryCode }));
    expect(still.json.data.openId).toBe(WechatSimulator.openIdFor(DEMO_WECHAT_APP.appId, 'page-user'));
  });

  it('unknown, malformed or foreign queryCodes are not_exist (and a foreign merchant learns nothing)', async () => {
    const gen = await postChannelAuth(gw.baseUrl, 'generateAuthUrl', body30(MERCHANT_30, { channel: 'wechat_pay' }));
    const { queryCode } = gen.json.data;
    for (const q of ['abcdefghijklmnopqrstuvwxyz', 'nope', queryCode.toUpperCase()]) {
      const r = await postChannelAuth(gw.baseUrl, 'auth', body30(MERCHANT_30, { channel: 'wechat_pay', queryCode: q }));
      expect(r.json.data).toEqual({ status: 'not_exist' });
      expectSigned30(r.json, MERCHANT_30, 'AuthResult');
    }
    // The same queryCode read by another 3.0 merchant (same WeChat app) and by a 2.0.6 merchant.
    const foreign30 = await postChannelAuth(
      gw.baseUrl,
      'auth',
      body30(MERCHANT_30_MD5, { channel: 'wechat_pay', queryCode }),
    );
    expect(foreign30.json.data).toEqual({ status: 'not_exist' });
    const foreign20 = await postChannelAuth(
      gw.baseUrl,
      'auth',
      signedBody(
        { mchNo: OTHER_MERCHANT.mchNo, appId: OTHER_MERCHANT.appId, channel: 'wechat_pay', queryCode },
        'secret-other',
      ),
    );
    expect(expectSigned20(foreign20.json, 'secret-other')).toMatchObject({ code: 0, status: 'not_exist' });
    // Nor can it complete it: authAndSet on a foreign queryCode is 29403 and spends no code.
    const code = gw.sim.simulator.issueCode(DEMO_WECHAT_APP.appId);
    const before = gw.sim.simulator.exchanges;
    const set = await postChannelAuth(
      gw.baseUrl,
      'authAndSet',
      body30(MERCHANT_30_MD5, { channel: 'wechat_pay', authCode: code, queryCode }),
    );
    expect(set.json).toMatchObject({ code: 29403, data: null });
    expect(gw.sim.simulator.exchanges).toBe(before);
    // The owner still sees its flow waiting.
    const own = await postChannelAuth(gw.baseUrl, 'auth', body30(MERCHANT_30, { channel: 'wechat_pay', queryCode }));
    expect(own.json.data).toEqual({ status: 'waiting' });
  });

  it('a WeChat refusal is a signed 3.0 business failure (OPERATION_FAIL 20080), with the errcode outside the signed members', async () => {
    const r = await postChannelAuth(
      gw.baseUrl,
      'auth',
      body30(MERCHANT_30, { channel: 'wechat_pay', authCode: 'never-issued-code' }),
    );
    expect(r.json).toMatchObject({ code: 20080, msg: expect.stringContaining('40029'), wxErrcode: 40029 });
    expect(r.json).not.toHaveProperty('data');
    expectSigned30(r.json, MERCHANT_30, null);
  });

  it('refuses before the business, unsigned, with 3.0 numbers: bad sign 20052, missing mchNo/appId 10506, ali_pay 29401, no code nor queryCode 10506', async () => {
    const good = body30(MERCHANT_30, { channel: 'wechat_pay' });
    const bad = await postChannelAuth(gw.baseUrl, 'generateAuthUrl', { ...good, sign: '0'.repeat(64) });
    expect(bad.json).toEqual({
      code: 20052,
      msg: expect.stringContaining('signature'),
      data: null,
      traceId: expect.any(String),
    });
    // Unknown fields are not signed (and not refused).
    const extra = await postChannelAuth(gw.baseUrl, 'generateAuthUrl', { ...good, somethingElse: 'x' });
    expect(extra.json.code).toBe(0);

    const { appId: _appId, ...noAppId } = body30(MERCHANT_30, { channel: 'wechat_pay' });
    const missing = await postChannelAuth(gw.baseUrl, 'generateAuthUrl', noAppId);
    expect(missing.json).toMatchObject({
      code: 10506,
      msg: 'appId: is required (the merchant speaks daxpay-3.0)',
      data: null,
    });

    const alipay = await postChannelAuth(
      gw.baseUrl,
      'generateAuthUrl',
      body30(MERCHANT_30, { channel: 'ali_pay', authType: 'alipay' }),
    );
    expect(alipay.json).toMatchObject({ code: 29401, data: null });
    const mismatch = await postChannelAuth(
      gw.baseUrl,
      'generateAuthUrl',
      body30(MERCHANT_30, { channel: 'wechat_pay', authType: 'alipay' }),
    );
    expect(mismatch.json).toMatchObject({ code: 10506, msg: 'authType: must be wechat for channel wechat_pay' });
    const neither = await postChannelAuth(gw.baseUrl, 'auth', body30(MERCHANT_30, { channel: 'wechat_pay' }));
    expect(neither.json).toMatchObject({ code: 10506, msg: 'authCode: or queryCode is required' });
    const offList = await postChannelAuth(
      gw.baseUrl,
      'generateAuthUrl',
      body30(MERCHANT_30, { channel: 'wechat_pay', authPath: 'https://evil.example/x' }),
    );
    expect(offList.json).toMatchObject({ code: 29062, data: null });
  });

  it('3.0 windows are symmetric: reqTime 200 s ahead is fine for a merchant pinned to 3.0 (reqTimeout 300), 10006 for 2.0.6 (60 s) and for a 3.0 body to an unpinned merchant (the strictest of 3.0 and the multi line)', async () => {
    const ahead = await postChannelAuth(
      gw.baseUrl,
      'generateAuthUrl',
      body30(MERCHANT_30, { channel: 'wechat_pay' }, chinaTime(nowSeconds() + 200)),
    );
    expect(ahead.json.code).toBe(0);
    const tooFar = await postChannelAuth(
      gw.baseUrl,
      'generateAuthUrl',
      body30(MERCHANT_30, { channel: 'wechat_pay' }, chinaTime(nowSeconds() + 400)),
    );
    expect(tooFar.json).toMatchObject({
      code: 10506,
      msg: expect.stringMatching(/^reqTime: is 4\d\d s ahead of the server clock \(at most 300 s/),
    });
    const ahead20 = await postChannelAuth(
      gw.baseUrl,
      'generateAuthUrl',
      signedBody({ channel: 'wechat_pay', reqTime: nowSeconds() + 200 }),
    );
    expect(ahead20.json).toMatchObject({ code: 10006, msg: expect.stringContaining('at most 60 s') });
    const unpinned = await postChannelAuth(
      gw.baseUrl,
      'generateAuthUrl',
      body30(DEMO_MERCHANT, { channel: 'wechat_pay' }, chinaTime(nowSeconds() + 200)),
    );
    expect(unpinned.json).toMatchObject({ code: 10506, msg: expect.stringContaining('at most 60 s') });
    const unpinnedNow = await postChannelAuth(
      gw.baseUrl,
      'generateAuthUrl',
      body30(DEMO_MERCHANT, { channel: 'wechat_pay' }),
    );
    expect(unpinnedNow.json.code).toBe(0);
    expectSigned30(unpinnedNow.json, DEMO_MERCHANT, 'AuthUrlResult');
  });

  describe('a 2.0.6 merchant on the same routes', () => {
    it('gets the same flow, signed the 2.0 way (data carries code, resTime and sign)', async () => {
      const gen = await postChannelAuth(
        gw.baseUrl,
        'generateAuthUrl',
        signedBody({ channel: 'wechat_pay', authType: 'wechat' }),
      );
      const data = expectSigned20(gen.json);
      expect(data).toMatchObject({
        code: 0,
        authUrl: expect.any(String),
        queryCode: expect.stringMatching(TOKEN),
        resTime: expect.any(Number),
      });
      const queryCode = data.queryCode as string;
      expect(
        expectSigned20(
          (await postChannelAuth(gw.baseUrl, 'auth', signedBody({ channel: 'wechat_pay', queryCode }))).json,
        ),
      ).toMatchObject({ status: 'waiting' });

      expect((await scan(data.authUrl as string, 'user-20')).status).toBe(200);
      const done = expectSigned20(
        (await postChannelAuth(gw.baseUrl, 'auth', signedBody({ channel: 'wechat_pay', queryCode }))).json,
      );
      expect(done).toMatchObject({
        code: 0,
        openId: WechatSimulator.openIdFor(DEMO_WECHAT_APP.appId, 'user-20'),
        status: 'success',
      });
      // 3.0 merchants cannot read a 2.0 merchant's flow either.
      const foreign = await postChannelAuth(
        gw.baseUrl,
        'auth',
        body30(MERCHANT_30, { channel: 'wechat_pay', queryCode }),
      );
      expect(foreign.json.data).toEqual({ status: 'not_exist' });
    });

    it('answers a refusal as a signed 2.0 business failure (data.code 1), errcode outside data', async () => {
      const r = await postChannelAuth(
        gw.baseUrl,
        'auth',
        signedBody({ channel: 'wechat_pay', authCode: 'never-issued-code-2' }),
      );
      const data = expectSigned20(r.json);
      expect(data).toMatchObject({ code: 1, msg: expect.stringContaining('40029') });
      expect(r.json.wxErrcode).toBe(40029);
    });

    it('getWxAccessToken refuses a snapshot-page user too, as a signed business failure', async () => {
      const code = gw.sim.simulator.issueCode(DEMO_WECHAT_APP.appId, 'snap-20', 'snsapi_base', { snapshot: true });
      const r = await fetch(`${gw.baseUrl}/unipay/assist/getWxAccessToken`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(signedBody({ code })),
      });
      const data = expectSigned20(await r.json());
      expect(data).toMatchObject({ code: 1, msg: expect.stringContaining('open the full page') });
      expect(data).not.toHaveProperty('openId');
    });

    it('refuses a bad sign (20052) with the 2.0 envelope', async () => {
      const bad = await postChannelAuth(gw.baseUrl, 'auth', {
        ...signedBody({ channel: 'wechat_pay', queryCode: 'x' }),
        sign: 'f'.repeat(64),
      });
      expect(bad.json).toEqual({ code: 20052, msg: expect.any(String), data: null, traceId: expect.any(String) });
    });
  });
});

describe.each(ADAPTERS)('channel auth without hosted authorization, over %s', (adapter) => {
  const gw = useChannelAuthGateway(adapter, { hosted: false });

  it('answers 20024 for a gateway-hosted flow, and still serves an authPath on the allow-list', async () => {
    const hosted = await postChannelAuth(gw.baseUrl, 'generateAuthUrl', body30(MERCHANT_30, { channel: 'wechat_pay' }));
    expect(hosted.json).toMatchObject({
      code: 20024,
      msg: expect.stringContaining('hostedAuth.publicBaseUrl'),
      data: null,
    });
    const path = await postChannelAuth(
      gw.baseUrl,
      'generateAuthUrl',
      body30(MERCHANT_30, { channel: 'wechat_pay', authPath: '/auth/x?a=1&b=2' }),
    );
    expect(path.json).toMatchObject({ code: 20024, data: null });
    const page = await postChannelAuth(
      gw.baseUrl,
      'generateAuthUrl',
      body30(MERCHANT_30, { channel: 'wechat_pay', authPath: 'http://127.0.0.1:8080/h5/auth' }),
    );
    expect(page.json.code).toBe(0);
    const redirect = new URL(new URL(page.json.data.authUrl.split('#')[0]).searchParams.get('redirect_uri')!);
    expect(redirect.origin + redirect.pathname).toBe('http://127.0.0.1:8080/h5/auth');
    expect(redirect.searchParams.get('queryCode')).toBe(page.json.data.queryCode);
    // The callback route exists but knows no state.
    const cb = await getPage(`${gw.baseUrl}/unipay/assist/channel/auth/callback/wechat?code=x&state=${'a'.repeat(26)}`);
    expect(cb.status).toBe(400);
  });
});
