import { ADAPTERS, DEMO_MERCHANT, post, signedBody } from '../../../../test/support/gateway';
import { useMinimalHost } from '../../../../test/support/minimal-host';

const REDIRECT_NOT_ALLOWED = 29062;

describe.each(ADAPTERS)('getWxAuthUrl redirect allow-list over %s', (adapter) => {
  const host = useMinimalHost(adapter, {
    override: {
      merchants: [
        DEMO_MERCHANT,
        { ...DEMO_MERCHANT, mchNo: 'M2', appId: 'A2', redirectHosts: ['shop.example.com', '*.pay.example.com'] },
        { ...DEMO_MERCHANT, mchNo: 'M3', appId: 'A3', redirectHosts: undefined },
      ],
    },
  });

  const authUrl = (url: string, extra: Record<string, unknown> = {}) =>
    post(host.gw.baseUrl, 'getWxAuthUrl', signedBody({ url, ...extra }));

  it('builds URLs for the demo hosts on any port', async () => {
    for (const url of ['http://localhost:3000/cb', 'http://127.0.0.1:8080/cb', 'http://[::1]:9/cb']) {
      const r = await authUrl(url);
      expect([url, r.json.code, r.json.data?.code]).toEqual([url, 0, 0]);
    }
  });

  it('refuses other hosts and redirect tricks with 29062 naming the cause', async () => {
    for (const url of [
      'https://evil.com/cb',
      'http://localhost@evil.com/',
      'http://localhost.evil.com/',
      'http://evil.com\\@localhost/',
    ]) {
      const r = await authUrl(url);
      expect(r.status).toBe(200);
      expect([url, r.json.code, r.json.data]).toEqual([url, REDIRECT_NOT_ALLOWED, null]);
      expect(r.json.msg).toMatch(/^url: /);
    }
    expect((await authUrl('https://evil.com:8443/cb')).json.msg).toBe(
      "url: host evil.com:8443 is not on the merchant's redirect allow-list",
    );
  });

  it('applies each merchant its own list', async () => {
    expect((await authUrl('https://shop.example.com/cb', { mchNo: 'M2' })).json.code).toBe(0);
    expect((await authUrl('https://a.pay.example.com/cb', { mchNo: 'M2' })).json.code).toBe(0);
    expect((await authUrl('http://localhost:3000/cb', { mchNo: 'M2' })).json.code).toBe(REDIRECT_NOT_ALLOWED);
  });

  it('refuses every URL for a merchant with no list, and says why', async () => {
    const r = await authUrl('http://localhost:3000/cb', { mchNo: 'M3' });
    expect(r.json).toMatchObject({ code: REDIRECT_NOT_ALLOWED, data: null });
    expect(r.json.msg).toMatch(/no redirectHosts configured/);
  });
});
