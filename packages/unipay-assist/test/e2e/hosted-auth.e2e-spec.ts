import { SNAPSHOT_REFUSED } from '../../src/relay/channel-auth/wechat-callback';
import { MemoryChannelAuthStore } from '../../src/channel-auth/memory-channel-auth.store';
import { DEMO_WECHAT_APP } from '../../../../apps/demo/src/demo-merchant';
import { sign } from '../../../wire/src/signing/signature';
import { WechatSimulator } from '../../../simulator/src/wechat-simulator';
import {
  authorizeAt,
  body30,
  FLAG_MERCHANT,
  getPage,
  MERCHANT_30,
  postChannelAuth,
  useChannelAuthGateway,
  WECHAT_UA,
} from '../../../../test/support/channel-auth-gateway';
import { daxpay3Reference } from '../../../../test/support/daxpay3-reference';
import { ADAPTERS, DEMO_SECRET, nowSeconds, signedBody } from '../../../../test/support/gateway';
import { SHARED_REDIS_URL, uniquePrefix } from '../../../../test/support/redis-server';

const APP = DEMO_WECHAT_APP.appId;
const openIdOf = (user: string): string => WechatSimulator.openIdFor(APP, user);

/** data of a 2.0.6 answer, its sign checked. */
function data20(json: any, secret = DEMO_SECRET): any {
  const { sign: received, ...unsigned } = json.data;
  expect(received).toBe(sign(unsigned, 'HMAC_SHA256', secret));
  return json.data;
}

describe.each(ADAPTERS)('gateway-hosted authorization over %s', (adapter) => {
  const gw = useChannelAuthGateway(adapter, { simulator: { apps: [{ ...DEMO_WECHAT_APP, openPlatform: 'op-demo' }] } });
  const sim = () => gw.sim.simulator;

  async function startQr(fields: Record<string, unknown> = {}): Promise<{ authUrl: string; queryCode: string }> {
    const r = await postChannelAuth(gw.baseUrl, 'generateAuthUrl', signedBody({ channel: 'wechat_pay', ...fields }));
    expect(r.json.data.code).toBe(0);
    return r.json.data;
  }
  const read = async (queryCode: string) =>
    data20((await postChannelAuth(gw.baseUrl, 'auth', signedBody({ channel: 'wechat_pay', queryCode }))).json);

  it('QR flow with WeChat\'s double redirect: one exchange, a "done" page, the openId (and unionid) read by the signed auth call', async () => {
    const { authUrl, queryCode } = await startQr();
    const before = { exchanges: sim().exchanges, doubles: sim().doubleRedirects };
    const callback = await authorizeAt(authUrl, { user: 'double-user', extra: { sim_double: '1' } });
    expect(sim().doubleRedirects - before.doubles).toBe(1);
    const page = await getPage(callback);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/);
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-/);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.text).toContain('Authorization complete');
    expect(page.text).toContain('return to the payment page on your computer');
    expect(page.text).not.toContain(openIdOf('double-user'));
    expect(sim().exchanges - before.exchanges).toBe(1);
    expect(await read(queryCode)).toMatchObject({
      code: 0,
      status: 'success',
      openId: openIdOf('double-user'),
      unionId: WechatSimulator.unionIdFor('op-demo', 'double-user'),
    });
    // A 3.0 merchant gets the typed AuthResult only: no unionId.
    const q30 = await postChannelAuth(gw.baseUrl, 'generateAuthUrl', body30(MERCHANT_30, { channel: 'wechat_pay' }));
    await getPage(await authorizeAt(q30.json.data.authUrl, { user: 'double-user' }));
    const r30 = await postChannelAuth(
      gw.baseUrl,
      'auth',
      body30(MERCHANT_30, { channel: 'wechat_pay', queryCode: q30.json.data.queryCode }),
    );
    expect(Object.keys(r30.json.data)).toEqual(['openId', 'accessToken', 'status']);
    expect(daxpay3Reference.verifyAnswer(r30.json, 'AuthResult', 'HMAC_SHA256', MERCHANT_30.signSecret as string)).toBe(
      true,
    );
  });

  it('a refresh of the callback and a second tab give the same result, never 40163, and the first identity stays', async () => {
    const { authUrl, queryCode } = await startQr();
    const callback = await authorizeAt(authUrl, { user: 'first-tab' });
    const before = sim().exchanges;
    const pages = [await getPage(callback), await getPage(callback)];
    for (const p of pages) expect(p.text).toContain('Authorization complete');
    expect(sim().exchanges - before).toBe(1);
    // The second tab: WeChat issues another code with the same state.
    const second = await getPage(await authorizeAt(authUrl, { user: 'second-tab' }));
    expect(second.status).toBe(200);
    expect(second.text).toContain('Authorization complete');
    expect(sim().exchanges - before).toBe(1);
    expect((await read(queryCode)).openId).toBe(openIdOf('first-tab'));
  });

  it('authdeny or no code: a clear page and a stored refusal the merchant reads; allowing afterwards completes', async () => {
    const { authUrl, queryCode } = await startQr();
    const denied = await getPage(await authorizeAt(authUrl, { deny: true }));
    expect(denied.status).toBe(200);
    expect(denied.text).toContain('Authorization declined');
    expect(await read(queryCode)).toMatchObject({ code: 1, msg: 'the payer declined authorization' });
    const state = new URL(authUrl.split('#')[0]).searchParams.get('state')!;
    const authdeny = await getPage(
      `${gw.baseUrl}/unipay/assist/channel/auth/callback/wechat?code=authdeny&state=${state}`,
    );
    expect(authdeny.text).toContain('Authorization declined');
    await getPage(await authorizeAt(authUrl, { user: 'changed-mind' }));
    expect(await read(queryCode)).toMatchObject({ status: 'success', openId: openIdOf('changed-mind') });
  });

  it('refuses a state it did not issue (forged, foreign, missing): 400 page, nothing stored, no code spent', async () => {
    const { authUrl, queryCode } = await startQr();
    const before = sim().exchanges;
    const forged = await getPage(await authorizeAt(authUrl, { extra: { sim_state: 'abcdefghijklmnopqrstuvwxyz' } }));
    expect(forged.status).toBe(400);
    expect(forged.text).toContain('This link is not valid');
    expect(forged.text).toMatch(/Reference: <span id="auth-trace">[A-Za-z0-9]{12}</);
    const missing = await getPage(`${gw.baseUrl}/unipay/assist/channel/auth/callback/wechat?code=somecode`);
    expect(missing.status).toBe(400);
    const twice = await getPage(`${gw.baseUrl}/unipay/assist/channel/auth/callback/wechat?state=a&state=b`);
    expect(twice.status).toBe(400);
    expect(sim().exchanges).toBe(before);
    expect(await read(queryCode)).toMatchObject({ status: 'waiting' });
  });

  it('a snapshot-page user is a signed business failure by default; a merchant that asked gets it flagged', async () => {
    const { authUrl, queryCode } = await startQr();
    const page = await getPage(await authorizeAt(authUrl, { user: 'snap', extra: { sim_snapshot: '1' } }));
    expect(page.text).toContain('Authorization failed');
    expect(page.text).toContain('open the full page');
    expect(await read(queryCode)).toEqual({
      code: 1,
      msg: SNAPSHOT_REFUSED,
      resTime: expect.any(Number),
      sign: expect.any(String),
    });

    const flag = await postChannelAuth(
      gw.baseUrl,
      'generateAuthUrl',
      signedBody({ mchNo: FLAG_MERCHANT.mchNo, appId: FLAG_MERCHANT.appId, channel: 'wechat_pay' }, 'secret-flag'),
    );
    await getPage(await authorizeAt(flag.json.data.authUrl, { user: 'snap', extra: { sim_snapshot: '1' } }));
    const flagged = await postChannelAuth(
      gw.baseUrl,
      'auth',
      signedBody(
        {
          mchNo: FLAG_MERCHANT.mchNo,
          appId: FLAG_MERCHANT.appId,
          channel: 'wechat_pay',
          queryCode: flag.json.data.queryCode,
        },
        'secret-flag',
      ),
    );
    expect(data20(flagged.json, 'secret-flag')).toMatchObject({
      code: 0,
      status: 'success',
      openId: WechatSimulator.snapshotOpenIdFor(APP, 'snap'),
      snapshotUser: true,
    });
  });

  describe('redirect-back (signed jump link)', () => {
    const RETURN = 'http://127.0.0.1:3000/pay/return?order=A1';

    function jumpUrl(fields: Record<string, unknown>, secret = DEMO_SECRET): string {
      const signed = signedBody({ redirectUrl: RETURN, extParam: 'order-A1', ...fields }, secret);
      const q = new URLSearchParams(Object.entries(signed).map(([k, v]): [string, string] => [k, String(v)]));
      return `${gw.baseUrl}/unipay/assist/channel/auth/jump?${q.toString()}`;
    }

    it('inside WeChat: 302 to WeChat, back through the gateway to redirectUrl with queryCode and extParam only; auth reads the openId', async () => {
      const link = jumpUrl({ authType: 'wechat' });
      const jump = await getPage(link, { 'user-agent': WECHAT_UA });
      expect(jump.status).toBe(302);
      expect(jump.headers.get('referrer-policy')).toBe('no-referrer');
      const authorize = new URL(jump.location!.split('#')[0]);
      expect(authorize.origin + authorize.pathname).toBe(`${gw.sim.baseUrl}/connect/oauth2/authorize`);
      expect(authorize.searchParams.get('redirect_uri')).toBe(
        `${gw.baseUrl}/unipay/assist/channel/auth/callback/wechat`,
      );
      const callback = await authorizeAt(jump.location!, { user: 'jumper' });
      // The browser that opened the jump: its binding cookie goes back with the callback.
      const cookie = jump.headers.get('set-cookie')!.split(';')[0];
      const back = await getPage(callback, { cookie });
      expect(back.status).toBe(302);
      const landed = new URL(back.location!);
      expect(landed.origin + landed.pathname).toBe('http://127.0.0.1:3000/pay/return');
      expect([...landed.searchParams.keys()]).toEqual(['order', 'queryCode', 'extParam']);
      expect(landed.searchParams.get('extParam')).toBe('order-A1');
      for (const url of [jump.location!, callback, back.location!]) {
        expect(url).not.toContain(openIdOf('jumper'));
        expect(url).not.toContain('SIM_AT_');
      }
      expect(await read(landed.searchParams.get('queryCode')!)).toMatchObject({
        status: 'success',
        openId: openIdOf('jumper'),
      });

      // The same link again (a reload, a second tap): a page saying it is finished, no second landing, nothing exchanged.
      const before = sim().exchanges;
      const again = await getPage(link, { 'user-agent': WECHAT_UA, cookie });
      expect(again.status).toBe(200);
      expect(again.location).toBeNull();
      expect(again.text).toContain('Authorization already finished');
      expect(again.text).not.toContain(landed.searchParams.get('queryCode')!);
      expect(sim().exchanges).toBe(before);
    });

    it('a reload before WeChat answers resumes the same flow (same state)', async () => {
      const link = jumpUrl({});
      const first = await getPage(link, { 'user-agent': WECHAT_UA });
      const second = await getPage(link, {
        'user-agent': WECHAT_UA,
        cookie: first.headers.get('set-cookie')!.split(';')[0],
      });
      expect(second.location).toBe(first.location);
    });

    it("outside WeChat: a page saying to open it in WeChat, with the link on the gateway's public URL", async () => {
      const link = jumpUrl({});
      const page = await getPage(link, { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120 Safari/537.36' });
      expect(page.status).toBe(200);
      expect(page.text).toContain('Open this page in WeChat');
      expect(page.text).toContain(`href="${link.replace(/&/g, '&#38;')}"`);
    });

    it('a 3.0 merchant signs the link the 3.0 way', async () => {
      const fields = body30(MERCHANT_30, {
        authType: 'wechat',
        redirectUrl: 'http://localhost:3000/back',
        extParam: 'x',
      });
      const q = new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)]));
      const jump = await getPage(`${gw.baseUrl}/unipay/assist/channel/auth/jump?${q.toString()}`, {
        'user-agent': WECHAT_UA,
      });
      expect(jump.status).toBe(302);
      const cookie = jump.headers.get('set-cookie')!.split(';')[0];
      const back = new URL((await getPage(await authorizeAt(jump.location!, { user: 'three' }), { cookie })).location!);
      expect(back.origin + back.pathname).toBe('http://localhost:3000/back');
      const r = await postChannelAuth(
        gw.baseUrl,
        'auth',
        body30(MERCHANT_30, { channel: 'wechat_pay', queryCode: back.searchParams.get('queryCode') }),
      );
      expect(r.json.data).toMatchObject({ openId: openIdOf('three'), status: 'success' });
    });

    it('refuses, as pages: redirectUrl off the allow-list (29062), a bad sign (403), an expired link, a field given twice', async () => {
      const off = await getPage(jumpUrl({ redirectUrl: 'https://evil.example/steal' }), { 'user-agent': WECHAT_UA });
      expect(off.status).toBe(400);
      expect(off.text).toContain('not on the merchant&#39;s redirect allow-list (code 29062)');
      const bad = new URL(jumpUrl({}));
      bad.searchParams.set('sign', 'f'.repeat(64));
      expect((await getPage(bad.toString(), { 'user-agent': WECHAT_UA })).status).toBe(403);
      const expired = await getPage(jumpUrl({ reqTime: nowSeconds() - 3600 }), { 'user-agent': WECHAT_UA });
      expect(expired.status).toBe(400);
      expect(expired.text).toContain('This link has expired');
      const twice = await getPage(`${jumpUrl({})}&extParam=again`, { 'user-agent': WECHAT_UA });
      expect(twice.status).toBe(400);
      expect(twice.text).toContain('extParam: is given more than once');
    });
  });
});

describe.each(ADAPTERS)('hosted flows expire after 5 minutes, over %s', (adapter) => {
  let now = Date.now();
  const store = new MemoryChannelAuthStore({ now: () => now });
  const gw = useChannelAuthGateway(adapter, { override: { channelAuthStore: store } });

  it('an expired flow: the callback is a clear page, auth says not_exist, the code is not spent', async () => {
    const r = await postChannelAuth(gw.baseUrl, 'generateAuthUrl', signedBody({ channel: 'wechat_pay' }));
    const { authUrl, queryCode } = r.json.data;
    const callback = await authorizeAt(authUrl);
    now += 5 * 60_000 + 1;
    const before = gw.sim.simulator.exchanges;
    const page = await getPage(callback);
    expect(page.status).toBe(400);
    expect(page.text).toContain('has expired (links last 5 minutes)');
    expect(gw.sim.simulator.exchanges).toBe(before);
    const read = await postChannelAuth(gw.baseUrl, 'auth', signedBody({ channel: 'wechat_pay', queryCode }));
    expect(read.json.data).toMatchObject({ code: 0, status: 'not_exist' });
  });
});

describe.each(ADAPTERS)('two gateway instances on one Redis, over %s', (adapter) => {
  const redis = { redisUrl: SHARED_REDIS_URL, redisKeyPrefix: uniquePrefix('hosted') };
  const a = useChannelAuthGateway(adapter, { override: redis });
  const b = useChannelAuthGateway(adapter, { override: redis });

  it('the flow started on one instance completes on the other and is read back on the first', async () => {
    const r = await postChannelAuth(a.baseUrl, 'generateAuthUrl', signedBody({ channel: 'wechat_pay' }));
    const { authUrl, queryCode } = r.json.data;
    // Instance b's simulator issues the code (both know the demo app); its callback lands on b.
    const atA = new URL(authUrl.split('#')[0]);
    const viaB = `${b.sim.baseUrl}${atA.pathname}${atA.search}#wechat_redirect`;
    const callback = new URL(await authorizeAt(viaB, { user: 'roaming' }));
    const page = await getPage(`${b.baseUrl}${callback.pathname}${callback.search}`);
    expect(page.text).toContain('Authorization complete');
    const read = await postChannelAuth(a.baseUrl, 'auth', signedBody({ channel: 'wechat_pay', queryCode }));
    expect(data20(read.json)).toMatchObject({ status: 'success', openId: openIdOf('roaming') });
  });
});
