import { sign } from '../../src/signing/signature';
import { ADAPTERS, codeFrom, DEMO_SECRET, post, signedBody, useDemoGateway } from '../support/gateway';

describe.each(ADAPTERS)('relay flow over %s', (adapter) => {
  const demo = useDemoGateway(adapter);

  it('builds an auth URL, exchanges the code and signs the answer', async () => {
    const auth = await post(demo.gw.baseUrl, 'getWxAuthUrl', signedBody({ url: 'http://localhost:3000/pay?order=1', state: 'st' }));
    expect(auth.status).toBe(200);
    expect(auth.json).toMatchObject({ code: 0, msg: 'success', data: { code: 0 } });
    expect(auth.json.traceId).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(auth.json.data.url).toBe(
      `${demo.sim.baseUrl}/connect/oauth2/authorize?appid=wx0demo0unipay0001` +
        `&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fpay%3Forder%3D1&response_type=code&scope=snsapi_base&state=st#wechat_redirect`,
    );

    const code = await codeFrom(auth.json.data.url);
    const token = await post(demo.gw.baseUrl, 'getWxAccessToken', signedBody({ code }));
    expect(token.json.code).toBe(0);
    const data = token.json.data;
    expect(data).toMatchObject({ code: 0, openId: expect.stringMatching(/^o/), accessToken: expect.any(String) });
    expect(data).not.toHaveProperty('refresh_token');
    expect(data).not.toHaveProperty('refreshToken');
    const { sign: received, ...unsigned } = data;
    expect(received).toBe(sign(unsigned, 'HMAC_SHA256', DEMO_SECRET));
    expect(Math.abs(data.resTime - Date.now() / 1000)).toBeLessThan(5);
  });
});
