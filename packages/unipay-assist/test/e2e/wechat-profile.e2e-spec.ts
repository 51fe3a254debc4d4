import { DEMO_WECHAT_APP } from '../../../../apps/demo/src/demo-merchant';
import { MerchantInput } from '../../src/merchants/merchant';
import { sign } from '../../../wire/src/signing/signature';
import { WechatSimulator } from '../../../simulator/src/wechat-simulator';
import {
  authorizeAt,
  body30,
  getPage,
  MERCHANT_30,
  MERCHANTS,
  postChannelAuth,
  useChannelAuthGateway,
} from '../../../../test/support/channel-auth-gateway';
import { ADAPTERS, signedBody } from '../../../../test/support/gateway';

const APP = DEMO_WECHAT_APP.appId;

/** A 2.0.6 merchant (the default dialect, which carries fields beyond DaxPay's) that asked for the profile. */
const PROFILE_20: MerchantInput = {
  mchNo: 'M5000000005',
  wechat: DEMO_WECHAT_APP,
  signSecret: 'secret-profile',
  wechatProfile: true,
};
/** The same ask from a 3.0 merchant: its AuthResult has no field for it. */
const PROFILE_30: MerchantInput = {
  ...MERCHANT_30,
  mchNo: 'M5000000006',
  appId: 'A5000000006',
  signSecret: 'secret-profile-30',
  wechatProfile: true,
};

/** data of a 2.0.6 answer, its sign checked. */
function data20(json: any, secret: string): any {
  const { sign: received, ...unsigned } = json.data;
  expect(received).toBe(sign(unsigned, 'HMAC_SHA256', secret));
  return json.data;
}

describe.each(ADAPTERS)('the payer profile (sns/userinfo) in channel auth over %s', (adapter) => {
  const gw = useChannelAuthGateway(adapter, { override: { merchants: [...MERCHANTS, PROFILE_20, PROFILE_30] } });
  const sim = () => gw.sim.simulator;

  it('a 2.0.6 merchant with wechatProfile gets nickname and headImgUrl, signed, after an snsapi_userinfo QR flow; fetched once', async () => {
    const start = await postChannelAuth(
      gw.baseUrl,
      'generateAuthUrl',
      signedBody({ mchNo: PROFILE_20.mchNo, channel: 'wechat_pay' }, 'secret-profile'),
    );
    const { authUrl, queryCode } = start.json.data;
    const before = sim().userInfos;
    const page = await getPage(
      await authorizeAt(authUrl, { user: 'profile-user', extra: { scope: 'snsapi_userinfo' } }),
    );
    expect(page.text).toContain('Authorization complete');
    const read = async () =>
      data20(
        (
          await postChannelAuth(
            gw.baseUrl,
            'auth',
            signedBody({ mchNo: PROFILE_20.mchNo, channel: 'wechat_pay', queryCode }, 'secret-profile'),
          )
        ).json,
        'secret-profile',
      );
    const profile = WechatSimulator.profileFor('profile-user');
    expect(await read()).toMatchObject({
      code: 0,
      status: 'success',
      openId: WechatSimulator.openIdFor(APP, 'profile-user'),
      nickname: profile.nickname,
      headImgUrl: profile.headimgurl,
    });
    // Stored with the flow: a second read makes no WeChat call.
    expect(await read()).toMatchObject({ nickname: profile.nickname });
    expect(sim().userInfos - before).toBe(1);
  });

  it('an authCode with snsapi_userinfo exchanged by auth carries the profile too; a base-scope code does not, and no call is made', async () => {
    const code = sim().issueCode(APP, 'code-user', 'snsapi_userinfo');
    const r = await postChannelAuth(
      gw.baseUrl,
      'auth',
      signedBody({ mchNo: PROFILE_20.mchNo, channel: 'wechat_pay', authCode: code }, 'secret-profile'),
    );
    expect(data20(r.json, 'secret-profile')).toMatchObject({
      openId: WechatSimulator.openIdFor(APP, 'code-user'),
      nickname: WechatSimulator.profileFor('code-user').nickname,
    });

    const before = sim().userInfos;
    const base = sim().issueCode(APP, 'base-user', 'snsapi_base');
    const b = await postChannelAuth(
      gw.baseUrl,
      'auth',
      signedBody({ mchNo: PROFILE_20.mchNo, channel: 'wechat_pay', authCode: base }, 'secret-profile'),
    );
    const data = data20(b.json, 'secret-profile');
    expect(data.openId).toBe(WechatSimulator.openIdFor(APP, 'base-user'));
    expect(data).not.toHaveProperty('nickname');
    expect(data).not.toHaveProperty('headImgUrl');
    expect(sim().userInfos).toBe(before);
  });

  it('no profile for a merchant that did not ask, nor for a 3.0 merchant that did (its typed AuthResult)', async () => {
    const before = sim().userInfos;
    const code = sim().issueCode(APP, 'no-ask-user', 'snsapi_userinfo');
    const r = await postChannelAuth(gw.baseUrl, 'auth', signedBody({ channel: 'wechat_pay', authCode: code }));
    expect(r.json.data.openId).toBe(WechatSimulator.openIdFor(APP, 'no-ask-user'));
    expect(r.json.data).not.toHaveProperty('nickname');

    const code30 = sim().issueCode(APP, 'v3-user', 'snsapi_userinfo');
    const r30 = await postChannelAuth(
      gw.baseUrl,
      'auth',
      body30(PROFILE_30, { channel: 'wechat_pay', authCode: code30 }),
    );
    expect(r30.json.data.openId).toBe(WechatSimulator.openIdFor(APP, 'v3-user'));
    expect(Object.keys(r30.json.data)).toEqual(['openId', 'accessToken', 'status']);
    expect(sim().userInfos).toBe(before);
  });
});
