import { sign } from '../../../wire/src/signing/signature';
import { ADAPTERS, codeFrom, DEMO_SECRET, nowSeconds, post, signedBody } from '../../../../test/support/gateway';
import { useMinimalHost } from '../../../../test/support/minimal-host';
import { TestClock } from '../../../../test/support/test-clock';

describe.each(ADAPTERS)('relay flow over %s', (adapter) => {
  const clock = new TestClock();
  const host = useMinimalHost(adapter, { override: { clock } });
  afterEach(() => clock.release());

  it('builds an auth URL, exchanges the code and signs the answer', async () => {
    // The relay's clock pinned at this second: resTime is exactly it, and the requests' reqTime is in the window.
    const now = nowSeconds();
    clock.pin(now);
    const auth = await post(
      host.gw.baseUrl,
      'getWxAuthUrl',
      signedBody({ url: 'http://localhost:3000/pay?order=1', state: 'st' }),
    );
    expect(auth.status).toBe(200);
    expect(auth.json).toMatchObject({ code: 0, msg: 'success', data: { code: 0 } });
    expect(auth.json.traceId).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(auth.json.data.url).toBe(
      `${host.sim.baseUrl}/connect/oauth2/authorize?appid=wx0demo0unipay0001` +
        `&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fpay%3Forder%3D1&response_type=code&scope=snsapi_base&state=st#wechat_redirect`,
    );

    const code = await codeFrom(auth.json.data.url);
    const token = await post(host.gw.baseUrl, 'getWxAccessToken', signedBody({ code }));
    expect(token.json.code).toBe(0);
    const data = token.json.data;
    expect(data).toMatchObject({ code: 0, openId: expect.stringMatching(/^o/), accessToken: expect.any(String) });
    expect(data).not.toHaveProperty('refresh_token');
    expect(data).not.toHaveProperty('refreshToken');
    const { sign: received, ...unsigned } = data;
    expect(received).toBe(sign(unsigned, 'HMAC_SHA256', DEMO_SECRET));
    expect(data.resTime).toBe(now);
    expect(auth.json.data.resTime).toBe(now);
  });
});
