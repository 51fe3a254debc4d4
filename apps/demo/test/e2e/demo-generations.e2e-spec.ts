import { DEMO_MERCHANT, DEMO_MULTI_LATE_MERCHANT } from '../../src/demo-merchant';
import { body30, postChannelAuth } from '../../../../test/support/channel-auth-gateway';
import { chinaTime, clientCheck, Generation, signOf } from '../../../../test/support/daxpay-wire';
import { daxpay3Reference } from '../../../../test/support/daxpay3-reference';
import { ADAPTERS, DEMO_SECRET, nowSeconds, post, useDemoGateway } from '../../../../test/support/gateway';

/*
 * The demo as a newcomer starts it (no merchants configured): each DaxPay
 * client generation, signing with the values of docs/troubleshooting.md
 * ("Try your own DaxPay SDK"), gets an answer its own SDK accepts. Bodies are
 * built here as each SDK builds them (test/support/daxpay-wire.ts), with the
 * current time.
 */

const URL_BACK = 'http://localhost:3000/pay/return?order=1';

/** getWxAuthUrl as `generation`'s SDK sends it, for the demo merchant (or `merchant`), signed HMAC_SHA256 with the demo secret. */
function sdkBody(generation: Generation, merchant = DEMO_MERCHANT): Record<string, unknown> {
  const fields: Record<string, unknown> = { url: URL_BACK, state: 's1', clientIp: '127.0.0.1' };
  if (generation === '2.0.0') Object.assign(fields, { version: '1.0', reqTime: nowSeconds() });
  else if (generation === 'multi' || generation === 'multi-late')
    Object.assign(fields, { mchNo: merchant.mchNo, appId: merchant.appId, reqTime: chinaTime(nowSeconds()) });
  else Object.assign(fields, { reqTime: nowSeconds() });
  return { ...fields, sign: signOf(fields, 'HMAC_SHA256', DEMO_SECRET) };
}

describe.each(ADAPTERS)('the demo answers every DaxPay generation over %s', (adapter) => {
  const demo = useDemoGateway(adapter);

  it.each([
    ['2.0.0', DEMO_MERCHANT],
    ['2.0.6-2.0.8', DEMO_MERCHANT],
    ['multi', DEMO_MERCHANT],
    ['multi-late', DEMO_MULTI_LATE_MERCHANT],
  ] as const)('%s (merchant %s): getWxAuthUrl answered so that the SDK check passes', async (generation, merchant) => {
    const answer = await post(demo.gw.baseUrl, 'getWxAuthUrl', sdkBody(generation, merchant));
    expect(answer.json.code).toBe(0);
    expect(clientCheck(generation, 'getWxAuthUrl', answer.json, 'HMAC_SHA256', DEMO_SECRET)).toBeUndefined();
  });

  it('3.0: a channel-auth call is answered as 3.0 signs', async () => {
    const answer = await postChannelAuth(
      demo.gw.baseUrl,
      'auth',
      body30(DEMO_MERCHANT, { channel: 'wechat_pay', queryCode: 'abcdefghij' }),
    );
    expect(answer.json).toMatchObject({ code: 0, data: { status: 'not_exist' } });
    expect(daxpay3Reference.verifyAnswer(answer.json, 'AuthResult', 'HMAC_SHA256', DEMO_SECRET)).toBe(true);
  });
});
