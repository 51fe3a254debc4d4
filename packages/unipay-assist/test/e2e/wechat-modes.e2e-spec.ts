import { WechatSimulator } from '../../../simulator/src/wechat-simulator';
import { ADAPTERS, codeFrom, DEMO_SECRET, DEMO_WECHAT_APP, post, signedBody } from '../../../../test/support/gateway';
import {
  COMPONENT,
  COMPONENT_ACCOUNT,
  COMPONENT_MERCHANT,
  OWN_MERCHANT,
  SP_APP,
  SP_MERCHANT,
  useWechatModes,
} from '../../../../test/support/wechat-modes-gateway';
import { MerchantInput } from '../../src/merchants/merchant';

const REDIRECT = 'http://localhost:3000/pay';

describe.each(ADAPTERS)('WeChat app modes on two instances sharing Redis, over %s', (adapter) => {
  const fx = useWechatModes(adapter);

  async function authUrl(baseUrl: string, merchant: MerchantInput): Promise<string> {
    const r = await post(baseUrl, 'getWxAuthUrl', signedBody({ mchNo: merchant.mchNo, url: REDIRECT, state: 's' }));
    expect(r.json).toMatchObject({ code: 0, data: { code: 0 } });
    return r.json.data.url as string;
  }

  async function exchange(
    baseUrl: string,
    merchant: MerchantInput,
    user: string,
  ): Promise<{ code: number; msg: string; data: Record<string, unknown> | null }> {
    const code = await codeFrom(`${(await authUrl(baseUrl, merchant)).split('#')[0]}&sim_user=${user}#wechat_redirect`);
    const r = await post(baseUrl, 'getWxAccessToken', signedBody({ mchNo: merchant.mchNo, code }));
    return r.json as { code: number; msg: string; data: Record<string, unknown> | null };
  }

  it('a platform merchant: authorize URL with component_appid at once; 29320 until a ticket arrives, no token call', async () => {
    const url = new URL((await authUrl(fx.a.baseUrl, COMPONENT_MERCHANT)).split('#')[0]);
    expect(url.searchParams.get('appid')).toBe(COMPONENT_ACCOUNT);
    expect(url.searchParams.get('component_appid')).toBe(COMPONENT.appId);
    const answer = await exchange(fx.a.baseUrl, COMPONENT_MERCHANT, 'early');
    expect(answer).toMatchObject({ code: 29320, data: null });
    expect(answer.msg).toContain('component_verify_ticket');
    expect(fx.component.tokenRequests).toBe(0);
  });

  it.each(['signature', 'stale', 'appid'] as const)(
    'a push with a forged %s is refused (29323) and stores no ticket',
    async (tamper) => {
      const pushed = await fx.component.pushEvent(
        'component_verify_ticket',
        { ComponentVerifyTicket: 'forged' },
        undefined,
        tamper,
      );
      expect(pushed.status).toBe(200);
      expect(pushed.body).not.toBe('success');
      expect(JSON.parse(pushed.body)).toMatchObject({ code: 29323, data: null });
      expect((await exchange(fx.b.baseUrl, COMPONENT_MERCHANT, 'still-early')).code).toBe(29320);
    },
  );

  it('a push that is not XML, or unsigned, is refused', async () => {
    const url = `${fx.a.baseUrl}/unipay/assist/wechat/component/events`;
    const garbage = await fetch(`${url}?timestamp=${Math.floor(Date.now() / 1000)}&nonce=1&msg_signature=abc`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: 'not xml <',
    });
    expect(JSON.parse(await garbage.text())).toMatchObject({ code: 29323 });
    const unsigned = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: '<xml><Encrypt>abc</Encrypt></xml>',
    });
    expect(JSON.parse(await unsigned.text())).toMatchObject({ code: 29323 });
  });

  it('a pushed ticket lets both instances exchange; the platform token is fetched once across them', async () => {
    expect(await fx.component.pushTicket()).toEqual({ status: 200, body: 'success' });
    const users = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
    const answers = await Promise.all(
      users.map((u, i) => exchange(i % 2 === 0 ? fx.a.baseUrl : fx.b.baseUrl, COMPONENT_MERCHANT, u)),
    );
    answers.forEach((answer, i) => {
      expect(answer).toMatchObject({
        code: 0,
        data: { code: 0, openId: WechatSimulator.openIdFor(COMPONENT_ACCOUNT, users[i]) },
      });
    });
    expect(fx.component.tokenRequests).toBe(1);
  });

  it('ticket rotation: a newer ticket replaces the old one, an older push does not, and the next token is fetched with the newest', async () => {
    expect((await fx.component.pushTicket()).body).toBe('success');
    // An older ticket arriving late (WeChat retrying an earlier push): accepted, not stored.
    const late = await fx.component.pushEvent(
      'component_verify_ticket',
      { ComponentVerifyTicket: 'ticket@@@older' },
      Math.floor(Date.now() / 1000) - 600,
    );
    expect(late.body).toBe('success');
    const before = fx.component.tokenRequests;
    // WeChat stops taking the token: the relay drops it and fetches another, which only the newest ticket can get.
    fx.component.expireTokens();
    const answer = await exchange(fx.b.baseUrl, COMPONENT_MERCHANT, 'after-rotation');
    expect(answer).toMatchObject({
      code: 0,
      data: { openId: WechatSimulator.openIdFor(COMPONENT_ACCOUNT, 'after-rotation') },
    });
    expect(fx.component.tokenRequests).toBe(before + 1);
  });

  it('an account that withdraws its authorization is answered 29324; authorizing again brings it back', async () => {
    expect((await fx.component.setAuthorized(COMPONENT_ACCOUNT, false))?.body).toBe('success');
    // The authorize page refuses too, so take a code issued before the withdrawal path: issue it directly.
    const code = fx.sim.simulator.issueCode(COMPONENT_ACCOUNT, 'withdrawn', 'snsapi_base', {
      componentAppId: COMPONENT.appId,
    });
    const refused = await post(fx.a.baseUrl, 'getWxAccessToken', signedBody({ mchNo: COMPONENT_MERCHANT.mchNo, code }));
    expect(refused.json).toMatchObject({ code: 29324, data: null });
    expect((await fx.component.setAuthorized(COMPONENT_ACCOUNT, true))?.body).toBe('success');
    const again = await post(fx.b.baseUrl, 'getWxAccessToken', signedBody({ mchNo: COMPONENT_MERCHANT.mchNo, code }));
    expect(again.json).toMatchObject({
      code: 0,
      data: { openId: WechatSimulator.openIdFor(COMPONENT_ACCOUNT, 'withdrawn') },
    });
  });

  it("service-provider and own-app merchants side by side: each payer's openId belongs to the merchant's app", async () => {
    const spUrl = new URL((await authUrl(fx.a.baseUrl, SP_MERCHANT)).split('#')[0]);
    expect(spUrl.searchParams.get('appid')).toBe(SP_APP.appId);
    expect(spUrl.searchParams.has('component_appid')).toBe(false);
    const sp = await exchange(fx.a.baseUrl, SP_MERCHANT, 'same-payer');
    const own = await exchange(fx.b.baseUrl, OWN_MERCHANT, 'same-payer');
    expect(sp.data?.openId).toBe(WechatSimulator.openIdFor(SP_APP.appId, 'same-payer'));
    expect(own.data?.openId).toBe(WechatSimulator.openIdFor(DEMO_WECHAT_APP.appId, 'same-payer'));
    expect(sp.data?.openId).not.toBe(own.data?.openId);
  });

  it('channel auth (2.0.6) answers which app the openId belongs to, in wxAppId, signed', async () => {
    const cases: [MerchantInput, string][] = [
      [SP_MERCHANT, SP_APP.appId],
      [OWN_MERCHANT, DEMO_WECHAT_APP.appId],
      [COMPONENT_MERCHANT, COMPONENT_ACCOUNT],
    ];
    for (const [merchant, appId] of cases) {
      const code = await codeFrom(
        `${(await authUrl(fx.a.baseUrl, merchant)).split('#')[0]}&sim_user=ca#wechat_redirect`,
      );
      const res = await fetch(`${fx.b.baseUrl}/unipay/assist/channel/auth/auth`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(signedBody({ mchNo: merchant.mchNo, channel: 'wechat_pay', authCode: code }, DEMO_SECRET)),
      });
      const json = (await res.json()) as { data: Record<string, unknown> };
      expect(json.data).toMatchObject({
        status: 'success',
        openId: WechatSimulator.openIdFor(appId, 'ca'),
        wxAppId: appId,
      });
    }
  });

  it('writes no secret, ticket or platform token to its logs', () => {
    const text = fx.logs.lines.map((l) => l.message).join('\n');
    expect(text).toContain('wechat_component.token_refreshed');
    for (const secret of [
      COMPONENT.appSecret,
      COMPONENT.token,
      COMPONENT.encodingAesKey,
      SP_APP.appSecret,
      fx.component.currentTicket ?? 'x',
      'SIM_CAT_',
      'ticket@@@',
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});
