import { ADAPTERS, DEMO_WECHAT_APP, post, signedBody } from '../support/gateway';
import { useMinimalHost } from '../support/minimal-host';

const REPLAYED = 20061;
const authUrlBody = () => signedBody({ url: 'http://localhost:3000/back', state: 'x' });

// Across instances through Redis, and Redis outages: test/integration/replay-redis.int-spec.ts, redis-outage.int-spec.ts.
describe.each(ADAPTERS)('replay protection over %s (one instance, memory store)', (adapter) => {
  const host = useMinimalHost(adapter);

  it('accepts a signed request once', async () => {
    const body = authUrlBody();
    expect((await post(host.gw.baseUrl, 'getWxAuthUrl', body)).json).toMatchObject({ code: 0, data: { code: 0 } });
    const again = await post(host.gw.baseUrl, 'getWxAuthUrl', body);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ code: REPLAYED, data: null });
    expect(again.json.msg).toMatch(/replay/);
  });

  it('a replayed code exchange is refused before WeChat is called', async () => {
    const body = signedBody({ code: host.sim.simulator.issueCode(DEMO_WECHAT_APP.appId) });
    expect((await post(host.gw.baseUrl, 'getWxAccessToken', body)).json).toMatchObject({ code: 0, data: { code: 0 } });
    const exchanges = host.sim.simulator.exchanges;
    expect((await post(host.gw.baseUrl, 'getWxAccessToken', body)).json).toMatchObject({ code: REPLAYED, data: null });
    expect(host.sim.simulator.exchanges).toBe(exchanges);
  });
});
