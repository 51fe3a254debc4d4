import {
  authorizeAt,
  getPage,
  OTHER_MERCHANT,
  postChannelAuth,
  useChannelAuthGateway,
} from '../../../../test/support/channel-auth-gateway';
import { ADAPTERS, post, signedBody } from '../../../../test/support/gateway';
import { SHARED_REDIS_URL, uniquePrefix } from '../../../../test/support/redis-server';
import { WechatSimulator } from '../../../simulator/src/wechat-simulator';
import { DEMO_WECHAT_APP } from '../../../../apps/demo/src/demo-merchant';

const openIdOf = (user: string): string => WechatSimulator.openIdFor(DEMO_WECHAT_APP.appId, user);
const OTHER = { mchNo: OTHER_MERCHANT.mchNo, appId: OTHER_MERCHANT.appId };
const OTHER_SECRET = OTHER_MERCHANT.signSecret as string;

/**
 * Two merchants on one WeChat app (a service provider's app serving many
 * merchants): an identity obtained for one is never answered to the other,
 * and a code a hosted flow consumed is redeemable by nobody afterwards.
 */
describe.each(ADAPTERS)('an identity is bound to the merchant that asked, over %s', (adapter) => {
  describe.each([
    ['memory', {}],
    ['redis', { redisUrl: SHARED_REDIS_URL, redisKeyPrefix: uniquePrefix('idbind') }],
  ] as const)('exchange cache in %s', (_store, override) => {
    const gw = useChannelAuthGateway(adapter, { override });
    const sim = () => gw.sim.simulator;

    it("a code merchant 1's hosted flow completed with is redeemable by no one: not getWxAccessToken, not auth {authCode}, for either merchant", async () => {
      const started = await postChannelAuth(gw.baseUrl, 'generateAuthUrl', signedBody({ channel: 'wechat_pay' }));
      const { authUrl, queryCode } = started.json.data;
      const callback = await authorizeAt(authUrl, { user: 'payer-of-m1' });
      const code = new URL(callback).searchParams.get('code')!;
      expect((await getPage(callback)).text).toContain('Authorization complete');

      const attempts = [
        await post(gw.baseUrl, 'getWxAccessToken', signedBody({ ...OTHER, code }, OTHER_SECRET)),
        await post(gw.baseUrl, 'getWxAccessToken', signedBody({ code })),
        await postChannelAuth(
          gw.baseUrl,
          'auth',
          signedBody({ ...OTHER, channel: 'wechat_pay', authCode: code }, OTHER_SECRET),
        ),
        await postChannelAuth(gw.baseUrl, 'auth', signedBody({ channel: 'wechat_pay', authCode: code })),
      ];
      for (const a of attempts) {
        expect(JSON.stringify(a.json)).not.toContain(openIdOf('payer-of-m1'));
        expect(JSON.stringify(a.json)).not.toContain('SIM_AT_');
        expect(a.json.data?.code).toBe(1);
      }
      // The flow itself still answers its merchant.
      const read = await postChannelAuth(gw.baseUrl, 'auth', signedBody({ channel: 'wechat_pay', queryCode }));
      expect(read.json.data).toMatchObject({ status: 'success', openId: openIdOf('payer-of-m1') });
    });

    it('a code merchant 1 redeemed directly is answered again to merchant 1 (idempotent, one WeChat call), never to merchant 2', async () => {
      const started = await postChannelAuth(gw.baseUrl, 'generateAuthUrl', signedBody({ channel: 'wechat_pay' }));
      // The simulator's code for a payer, taken off WeChat's redirect without calling the gateway.
      const code = new URL(await authorizeAt(started.json.data.authUrl, { user: 'direct-payer' })).searchParams.get(
        'code',
      )!;
      const before = sim().exchanges;
      const first = await post(gw.baseUrl, 'getWxAccessToken', signedBody({ code }));
      expect(first.json.data).toMatchObject({ code: 0, openId: openIdOf('direct-payer') });
      const again = await post(gw.baseUrl, 'getWxAccessToken', signedBody({ code }));
      expect(again.json.data).toMatchObject({
        code: 0,
        openId: openIdOf('direct-payer'),
        accessToken: first.json.data.accessToken,
      });
      expect(sim().exchanges - before).toBe(1);

      const other = await post(gw.baseUrl, 'getWxAccessToken', signedBody({ ...OTHER, code }, OTHER_SECRET));
      expect(JSON.stringify(other.json)).not.toContain(openIdOf('direct-payer'));
      expect(other.json.data.code).toBe(1);
      const otherAuth = await postChannelAuth(
        gw.baseUrl,
        'auth',
        signedBody({ ...OTHER, channel: 'wechat_pay', authCode: code }, OTHER_SECRET),
      );
      expect(JSON.stringify(otherAuth.json)).not.toContain(openIdOf('direct-payer'));
    });
  });
});
