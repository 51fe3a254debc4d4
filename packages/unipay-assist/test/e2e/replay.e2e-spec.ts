import { AssistErrorCode } from '../../../wire/src/error-codes';
import { ADAPTERS, DEMO_MERCHANT, DEMO_WECHAT_APP, post, signedBody } from '../../../../test/support/gateway';
import { useMinimalHost } from '../../../../test/support/minimal-host';

const authUrlBody = () => signedBody({ url: 'http://localhost:3000/back', state: 'x' });

// Across instances through Redis, and Redis outages: test/integration/replay-redis.int-spec.ts, redis-outage.int-spec.ts;
// every DaxPay generation: test/e2e/daxpay-dialects.e2e-spec.ts.
describe.each(ADAPTERS)('replay protection over %s (one instance, memory store)', (adapter) => {
  describe("replay: 'answer' (the default): a copy gets the first answer", () => {
    const host = useMinimalHost(adapter);

    it('answers a copy of a signed request with the very same answer', async () => {
      const body = authUrlBody();
      const first = await post(host.gw.baseUrl, 'getWxAuthUrl', body);
      expect(first.json).toMatchObject({ code: 0, data: { code: 0 } });
      const again = await post(host.gw.baseUrl, 'getWxAuthUrl', body);
      expect(again.status).toBe(200);
      expect(again.text).toBe(first.text);
    });

    it('a copy of a code exchange gets its answer without calling WeChat again', async () => {
      const body = signedBody({ code: host.sim.simulator.issueCode(DEMO_WECHAT_APP.appId) });
      const first = await post(host.gw.baseUrl, 'getWxAccessToken', body);
      expect(first.json).toMatchObject({ code: 0, data: { code: 0 } });
      const exchanges = host.sim.simulator.exchanges;
      expect((await post(host.gw.baseUrl, 'getWxAccessToken', body)).text).toBe(first.text);
      expect(host.sim.simulator.exchanges).toBe(exchanges);
    });
  });

  describe("replay: 'reject' (strict): a copy is refused", () => {
    const host = useMinimalHost(adapter, {
      override: (sim) => ({
        merchants: [{ ...DEMO_MERCHANT, replay: 'reject' }],
        wechat: { apiBase: sim.baseUrl, openBase: sim.baseUrl },
      }),
    });

    it('accepts a signed request once', async () => {
      const body = authUrlBody();
      expect((await post(host.gw.baseUrl, 'getWxAuthUrl', body)).json).toMatchObject({ code: 0, data: { code: 0 } });
      const again = await post(host.gw.baseUrl, 'getWxAuthUrl', body);
      expect(again.status).toBe(200);
      expect(again.json).toMatchObject({ code: AssistErrorCode.REPLAYED, data: null });
      expect(again.json.msg).toMatch(/replay/);
    });

    it('a replayed code exchange is refused before WeChat is called', async () => {
      const body = signedBody({ code: host.sim.simulator.issueCode(DEMO_WECHAT_APP.appId) });
      expect((await post(host.gw.baseUrl, 'getWxAccessToken', body)).json).toMatchObject({
        code: 0,
        data: { code: 0 },
      });
      const exchanges = host.sim.simulator.exchanges;
      expect((await post(host.gw.baseUrl, 'getWxAccessToken', body)).json).toMatchObject({
        code: AssistErrorCode.REPLAYED,
        data: null,
      });
      expect(host.sim.simulator.exchanges).toBe(exchanges);
    });
  });
});
