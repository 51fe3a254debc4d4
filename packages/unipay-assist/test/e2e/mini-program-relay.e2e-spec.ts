import { AssistErrorCode as E } from '../../../wire/src/error-codes';
import { sign } from '../../../wire/src/signing/signature';
import { WechatSimulator } from '../../../simulator/src/wechat-simulator';
import { NO_ALIPAY_APP } from '../../src/relay/alipay-relay.service';
import { NO_MINI_PROGRAM } from '../../src/relay/mini-program-relay.service';
import { DEMO_MINI_PROGRAM, useChannelsGateway, WECHAT_ONLY_MERCHANT } from '../../../../test/support/channels-gateway';
import { ADAPTERS, DEMO_SECRET, post, signedBody } from '../../../../test/support/gateway';
import { waitFor } from '../../../../test/support/wait';

function expectSigned(data: Record<string, unknown>): void {
  const { sign: received, ...unsigned } = data;
  expect(received).toBe(sign(unsigned as Record<string, string>, 'HMAC_SHA256', DEMO_SECRET));
}

describe.each(ADAPTERS)('mini program relay over %s', (adapter) => {
  const f = useChannelsGateway(adapter, {
    wechatTimeoutMs: 2000,
    exchange: { breakerThreshold: 1000, retryDelayMs: 10 },
  });
  beforeEach(() => f.wechat.miniProgram.reset());

  it('a wx.login code (from the admin route) → getWxMiniOpenId, signed, no session_key', async () => {
    const issued = await fetch(`${f.wechat.baseUrl}/__sim/mini/codes`, {
      method: 'POST',
      body: JSON.stringify({ appid: DEMO_MINI_PROGRAM.appId, user: 'mini-payer' }),
    });
    const { code } = (await issued.json()) as { code: string };
    const res = await post(f.gw.baseUrl, 'getWxMiniOpenId', signedBody({ code }));
    expect(res.json.code).toBe(0);
    expect(res.json.data).toEqual({
      code: 0,
      openId: WechatSimulator.openIdFor(DEMO_MINI_PROGRAM.appId, 'mini-payer'),
      resTime: expect.any(Number),
      sign: expect.any(String),
    });
    expectSigned(res.json.data);
    expect(res.text).not.toMatch(/session_?key|unionId/i);
    expect(res.text).not.toContain(code);
    expect(f.wechat.miniProgram.exchanges).toBe(1);
  });

  it("health reports the mini program's breaker under breakers.wechat_mini, only channels that called", async () => {
    // Only the mini program has called upstream so far in this gateway.
    const health = (await (await fetch(`${f.gw.baseUrl}/health`)).json()) as {
      info: { unipayAssist: Record<string, unknown> };
    };
    const host = new URL(f.wechat.baseUrl).host;
    expect(health.info.unipayAssist.breakers).toEqual({ wechat_mini: { [host]: 'closed' } });
  });

  it('the same code twice: the same openId, one call to jscode2session', async () => {
    const code = f.wechat.miniProgram.issueLoginCode(DEMO_MINI_PROGRAM.appId, 'payer-2');
    const first = await post(f.gw.baseUrl, 'getWxMiniOpenId', signedBody({ code }));
    const second = await post(f.gw.baseUrl, 'getWxMiniOpenId', signedBody({ code }));
    expect(first.json.data.openId).toBe(WechatSimulator.openIdFor(DEMO_MINI_PROGRAM.appId, 'payer-2'));
    expect(second.json.data.openId).toBe(first.json.data.openId);
    expectSigned(second.json.data);
    expect(f.wechat.miniProgram.exchanges).toBe(1);
  });

  it('40029 is a signed business failure; the errcode rides outside the signed data', async () => {
    const res = await post(f.gw.baseUrl, 'getWxMiniOpenId', signedBody({ code: 'never-issued-login-code' }));
    expect(res.json.code).toBe(0);
    expect(Object.keys(res.json.data).sort()).toEqual(['code', 'msg', 'resTime', 'sign']);
    expect(res.json.data).toMatchObject({
      code: 1,
      msg: 'the wx.login code is invalid or has expired (WeChat errcode 40029)',
    });
    expect(res.json.wxErrcode).toBe(40029);
    expectSigned(res.json.data);
    expect(f.wechat.miniProgram.exchanges).toBe(1);
  });

  it('-1 busy is retried once and then answers; 45011 is not retried', async () => {
    const code = f.wechat.miniProgram.issueLoginCode(DEMO_MINI_PROGRAM.appId);
    f.wechat.miniProgram.faults.add([{ kind: 'busy', times: 1 }]);
    const ok = await post(f.gw.baseUrl, 'getWxMiniOpenId', signedBody({ code }));
    expect(ok.json.data.code).toBe(0);
    expect(f.wechat.miniProgram.exchanges).toBe(2);
    const other = f.wechat.miniProgram.issueLoginCode(DEMO_MINI_PROGRAM.appId);
    f.wechat.miniProgram.faults.add([{ kind: 'errcode', errcode: 45011, times: 1 }]);
    const limited = await post(f.gw.baseUrl, 'getWxMiniOpenId', signedBody({ code: other }));
    expect(limited.json.data).toMatchObject({ code: 1, msg: expect.stringContaining('45011') });
    expect(f.wechat.miniProgram.exchanges).toBe(3);
    expect(f.wechat.miniProgram.codeState(other)).toBe('unused');
  });

  it.each([
    [
      'reset → UPSTREAM_UNREACHABLE after one retry',
      { kind: 'reset' as const, times: 2 },
      E.UPSTREAM_UNREACHABLE,
      2,
      'unused',
    ],
    ['http 503 → UPSTREAM_HTTP_ERROR', { kind: 'http' as const, status: 503 }, E.UPSTREAM_HTTP_ERROR, 1, 'unused'],
    ['non-json → UPSTREAM_BAD_RESPONSE', { kind: 'non-json' as const }, E.UPSTREAM_BAD_RESPONSE, 1, 'unused'],
    [
      'timeout → UPSTREAM_TIMEOUT, never retried',
      { kind: 'latency' as const, ms: 5000 },
      E.UPSTREAM_TIMEOUT,
      1,
      'used',
    ],
  ])('%s', async (_name, fault, envelope, calls, state) => {
    const code = f.wechat.miniProgram.issueLoginCode(DEMO_MINI_PROGRAM.appId);
    f.wechat.miniProgram.faults.add([fault]);
    const res = await post(f.gw.baseUrl, 'getWxMiniOpenId', signedBody({ code }));
    expect(res.json).toMatchObject({ code: envelope, data: null });
    expect(res.text).not.toContain(code);
    expect(f.wechat.miniProgram.exchanges).toBe(calls);
    // Polled, with the suite's generous default bound: after a latency fault the code is spent late.
    await waitFor(() => f.wechat.miniProgram.codeState(code) === state);
    expect(f.wechat.miniProgram.codeState(code)).toBe(state);
  });

  it('a merchant without a mini program, or without an Alipay app, gets a signed business failure naming the setting', async () => {
    const head = { mchNo: WECHAT_ONLY_MERCHANT.mchNo, appId: WECHAT_ONLY_MERCHANT.appId };
    const mini = await post(f.gw.baseUrl, 'getWxMiniOpenId', signedBody({ ...head, code: 'some-code' }));
    expect(mini.json.data).toMatchObject({ code: 1, msg: NO_MINI_PROGRAM });
    expectSigned(mini.json.data);
    const ali = await post(f.gw.baseUrl, 'getAlipayUserId', signedBody({ ...head, authCode: 'some-code' }));
    expect(ali.json.data).toMatchObject({ code: 1, msg: NO_ALIPAY_APP });
    const url = await post(f.gw.baseUrl, 'getAlipayAuthUrl', signedBody({ ...head, url: 'http://localhost:3000/x' }));
    expect(url.json.data).toMatchObject({ code: 1, msg: NO_ALIPAY_APP });
    expect(f.wechat.miniProgram.exchanges).toBe(0);
  });
});
