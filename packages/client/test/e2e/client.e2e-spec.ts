import { AssistBusinessError, AssistEnvelopeError, UnipayAssistClient } from '../../src';
import { WechatSimulator } from '../../../simulator/src/wechat-simulator';
import { verify } from '../../../wire/src/signing/signature';
import { ADAPTERS, codeFrom, DEMO_MERCHANT, DEMO_SECRET, DEMO_WECHAT_APP } from '../../../../test/support/gateway';
import { useMinimalHost } from '../../../../test/support/minimal-host';

const RETURN_URL = 'http://localhost:3000/pay/return?order=7';

describe.each(ADAPTERS)('UnipayAssistClient against a host app over %s', (adapter) => {
  const host = useMinimalHost(adapter);
  let client: UnipayAssistClient;

  beforeAll(() => {
    client = new UnipayAssistClient({ baseUrl: host.gw.baseUrl, mchNo: DEMO_MERCHANT.mchNo, signSecret: DEMO_SECRET });
  });

  it('walks the flow: auth URL, consent at the simulator, code exchanged for the openId; both answers verified', async () => {
    const sent: Array<Record<string, unknown>> = [];
    const auth = await client.getWxAuthUrl(
      { url: RETURN_URL, state: 'csrf-1', scope: 'snsapi_userinfo' },
      { onRequest: (_route, body) => sent.push({ ...body }) },
    );
    expect(auth.url).toBe(
      `${host.sim.baseUrl}/connect/oauth2/authorize?appid=${DEMO_WECHAT_APP.appId}` +
        `&redirect_uri=${encodeURIComponent(RETURN_URL)}&response_type=code&scope=snsapi_userinfo&state=csrf-1#wechat_redirect`,
    );
    expect(auth.traceId).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(auth.sign).toMatch(/^[0-9a-f]{64}$/);
    // What the client sent is what the server verified: the shared signing module.
    expect(verify(sent[0] as never, 'HMAC_SHA256', [DEMO_SECRET])).toBe(0);

    const code = await codeFrom(auth.url);
    const before = Math.floor(Date.now() / 1000);
    const token = await client.getWxAccessToken({ code });
    const after = Math.ceil(Date.now() / 1000);
    expect(token.openId).toBe(WechatSimulator.openIdFor(DEMO_WECHAT_APP.appId, 'demo-user'));
    expect(token.accessToken).toMatch(/^SIM_AT_/);
    // The server's time of the answer, between sending and receiving (an order, not a duration).
    expect(token.resTime).toBeGreaterThanOrEqual(before);
    expect(token.resTime).toBeLessThanOrEqual(after);
  });

  it('works without mchNo (the default merchant) and with the merchant appId', async () => {
    const byDefault = new UnipayAssistClient({ baseUrl: host.gw.baseUrl, signSecret: DEMO_SECRET });
    const byAppId = new UnipayAssistClient({
      baseUrl: host.gw.baseUrl,
      appId: DEMO_MERCHANT.appId,
      signSecret: DEMO_SECRET,
    });
    await expect(byDefault.getWxAuthUrl({ url: RETURN_URL })).resolves.toMatchObject({
      url: expect.stringContaining('scope=snsapi_base'),
    });
    await expect(byAppId.getWxAuthUrl({ url: RETURN_URL })).resolves.toMatchObject({ url: expect.any(String) });
  });

  it('a wrong secret is AssistEnvelopeError 20052', async () => {
    const wrong = new UnipayAssistClient({ baseUrl: host.gw.baseUrl, signSecret: 'wrong-secret' });
    const err = (await wrong.getWxAuthUrl({ url: RETURN_URL }).catch((e: unknown) => e)) as AssistEnvelopeError;
    expect(err).toBeInstanceOf(AssistEnvelopeError);
    expect(err.code).toBe(20052);
    expect(err.message).toMatch(/rejected the signature/);
    expect(err.traceId).toMatch(/^[A-Za-z0-9]{12}$/);
  });

  it('a redirect URL off the allow-list and an invalid field are envelope errors with their codes', async () => {
    await expect(client.getWxAuthUrl({ url: 'https://evil.example.com/' })).rejects.toMatchObject({
      name: 'AssistEnvelopeError',
      code: 29062,
    });
    await expect(client.getWxAuthUrl({ url: 'not a url' })).rejects.toMatchObject({
      name: 'AssistEnvelopeError',
      code: 10006,
    });
  });

  it('a code WeChat refuses is AssistBusinessError with the errcode, after its sign was verified', async () => {
    const err = (await client
      .getWxAccessToken({ code: 'no-such-code-000' })
      .catch((e: unknown) => e)) as AssistBusinessError;
    expect(err).toBeInstanceOf(AssistBusinessError);
    expect(err.wxErrcode).toBe(40029);
    expect(err.serverMessage).toContain('(WeChat errcode 40029)');
  });

  it('a sign type other than the merchant one is refused as a bad signature (20052)', async () => {
    const md5 = new UnipayAssistClient({ baseUrl: host.gw.baseUrl, signSecret: DEMO_SECRET, signType: 'MD5' });
    await expect(md5.getWxAuthUrl({ url: RETURN_URL })).rejects.toMatchObject({
      name: 'AssistEnvelopeError',
      code: 20052,
    });
  });
});

describe.each(ADAPTERS)('secret rotation with the client over %s', (adapter) => {
  // The gateway mid-rotation: the new secret first (it signs answers), the old one still accepted.
  const host = useMinimalHost(adapter, {
    override: { merchants: [{ ...DEMO_MERCHANT, signSecret: ['rotated-secret', DEMO_SECRET] }] },
  });

  it('a client on the old secret alone keeps working mid-rotation: its answer is signed with the secret that verified its request', async () => {
    const old = new UnipayAssistClient({ baseUrl: host.gw.baseUrl, signSecret: DEMO_SECRET });
    await expect(old.getWxAuthUrl({ url: RETURN_URL })).resolves.toMatchObject({ url: expect.any(String) });
  });

  it('a client given both secrets (old signs, both verify) works through the rotation, and so does one on the new secret', async () => {
    const both = new UnipayAssistClient({ baseUrl: host.gw.baseUrl, signSecret: [DEMO_SECRET, 'rotated-secret'] });
    const token = await both.getWxAccessToken({
      code: await codeFrom((await both.getWxAuthUrl({ url: RETURN_URL })).url),
    });
    expect(token.openId).toBe(WechatSimulator.openIdFor(DEMO_WECHAT_APP.appId, 'demo-user'));
    const renewed = new UnipayAssistClient({ baseUrl: host.gw.baseUrl, signSecret: 'rotated-secret' });
    await expect(renewed.getWxAuthUrl({ url: RETURN_URL })).resolves.toMatchObject({ url: expect.any(String) });
  });
});
