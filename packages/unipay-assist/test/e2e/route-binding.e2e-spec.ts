import { DEMO_WECHAT_APP } from '../../../../apps/demo/src/demo-merchant';
import { WechatSimulator } from '../../../simulator/src/wechat-simulator';
import {
  authorizeAt,
  MERCHANTS,
  postChannelAuth,
  useChannelAuthGateway,
} from '../../../../test/support/channel-auth-gateway';
import { ADAPTERS, DEMO_MERCHANT, post, signedBody } from '../../../../test/support/gateway';
import { SHARED_REDIS_URL, uniquePrefix } from '../../../../test/support/redis-server';

const STRICT = {
  ...DEMO_MERCHANT,
  mchNo: 'M5000000005',
  appId: 'A5000000005',
  signSecret: 'secret-strict',
  replay: 'reject' as const,
};
const AS_STRICT = { mchNo: STRICT.mchNo, appId: STRICT.appId };

/**
 * One signed body, one meaning: a body accepted on one route is never run
 * on another (the replay memory is keyed without the route, and an answer is
 * kept for the route that gave it). No DaxPay sign string has room for the
 * route, so this is where the binding lives.
 */
describe.each(ADAPTERS)('a signed body is bound to its route, over %s', (adapter) => {
  describe.each([
    ['memory', {}],
    ['redis', { redisUrl: SHARED_REDIS_URL, redisKeyPrefix: uniquePrefix('routebind') }],
  ] as const)('replay memory in %s', (_store, override) => {
    const gw = useChannelAuthGateway(adapter, { override: { ...override, merchants: [...MERCHANTS, STRICT] } });

    for (const [label, as, secret] of [
      ['retry-safe (answer) mode', {}, undefined],
      ['strict (reject) mode', AS_STRICT, 'secret-strict'],
    ] as const) {
      it(`${label}: an authAndSet body (answer: code 0) posted to auth is refused, never the openId; the same route still gets its answer`, async () => {
        const gen = await postChannelAuth(
          gw.baseUrl,
          'generateAuthUrl',
          signedBody({ ...as, channel: 'wechat_pay', authPath: 'http://127.0.0.1:3000/wx/back' }, secret),
        );
        const { authUrl, queryCode } = gen.json.data;
        const code = new URL(await authorizeAt(authUrl, { user: 'routed' })).searchParams.get('code')!;
        const body = signedBody({ ...as, channel: 'wechat_pay', authCode: code, queryCode }, secret);
        const set = await postChannelAuth(gw.baseUrl, 'authAndSet', body);
        expect(set.json.data.code).toBe(0);
        const moved = await postChannelAuth(gw.baseUrl, 'auth', body);
        expect(JSON.stringify(moved.json)).not.toContain(WechatSimulator.openIdFor(DEMO_WECHAT_APP.appId, 'routed'));
        expect(moved.json.code).toBe(10007);
        if (label === 'retry-safe (answer) mode') {
          // The identical retry on its own route keeps getting its first answer.
          expect((await postChannelAuth(gw.baseUrl, 'authAndSet', body)).json.data.code).toBe(0);
        }
      });
    }

    it('a getWxAccessToken body posted to getWxMiniOpenId (both carry `code`) is refused, and runs nothing', async () => {
      const code = gw.sim.simulator.issueCode(DEMO_WECHAT_APP.appId, 'token-route');
      const body = signedBody({ code });
      expect((await post(gw.baseUrl, 'getWxAccessToken', body)).json.data.code).toBe(0);
      const before = gw.sim.simulator.exchanges;
      const moved = await post(gw.baseUrl, 'getWxMiniOpenId', body);
      expect(moved.json.code).toBe(10007);
      expect(gw.sim.simulator.exchanges).toBe(before);
    });
  });
});
