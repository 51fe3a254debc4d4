import { WechatSimulator } from '../../../simulator/src/wechat-simulator';
import { ADAPTERS, DEMO_WECHAT_APP, post, RunningGateway, signedBody } from '../../../../test/support/gateway';
import { useMinimalHost } from '../../../../test/support/minimal-host';

/** The same code, freshly signed each time (new nonce and sign), as a retrying client sends it. */
const exchange = (gw: RunningGateway, code: string) => post(gw.baseUrl, 'getWxAccessToken', signedBody({ code }));

describe.each(ADAPTERS)('idempotent code exchange over %s (one instance, memory)', (adapter) => {
  const host = useMinimalHost(adapter);

  const issue = (user = 'alice') => host.sim.simulator.issueCode(DEMO_WECHAT_APP.appId, user);

  it('the same code retried sequentially gets the same answer, and WeChat is called once', async () => {
    const code = issue();
    const before = host.sim.simulator.exchanges;
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await exchange(host.gw, code));
    for (const a of answers) {
      expect(a.json).toMatchObject({ code: 0, data: { code: 0 } });
      expect(a.json.data.openId).toBe(answers[0].json.data.openId);
      expect(a.json.data.accessToken).toBe(answers[0].json.data.accessToken);
    }
    // Each answer is its own signed response (fresh resTime/sign is allowed, traceId differs).
    expect(new Set(answers.map((a) => a.json.traceId)).size).toBe(3);
    expect(host.sim.simulator.exchanges - before).toBe(1);
  });

  it('8 concurrent requests with one code share one call to WeChat', async () => {
    const code = issue('bob');
    const before = host.sim.simulator.exchanges;
    // A slow WeChat, so all 8 are in flight together (single-flight, not the cache, answers them).
    host.sim.simulator.faults.add([{ kind: 'latency', ms: 300, times: 1 }]);
    const answers = await Promise.all(Array.from({ length: 8 }, () => exchange(host.gw, code)));
    const openIds = new Set(answers.map((a) => a.json?.data?.openId));
    expect(answers.every((a) => a.status === 200 && a.json.code === 0 && a.json.data.code === 0)).toBe(true);
    expect(openIds).toEqual(new Set([WechatSimulator.openIdFor(DEMO_WECHAT_APP.appId, 'bob')]));
    expect(new Set(answers.map((a) => a.json.data.accessToken)).size).toBe(1);
    expect(host.sim.simulator.exchanges - before).toBe(1);
  });

  it('a cached success wins over the 40163 WeChat would now give', async () => {
    const code = issue('carol');
    const first = await exchange(host.gw, code);
    // WeChat itself now refuses the code: it has been used.
    const direct = await fetch(
      `${host.sim.baseUrl}/sns/oauth2/access_token?appid=${DEMO_WECHAT_APP.appId}&secret=${DEMO_WECHAT_APP.appSecret}&code=${code}&grant_type=authorization_code`,
    ).then((r) => r.json() as Promise<{ errcode?: number }>);
    expect(direct.errcode).toBe(40163);
    const again = await exchange(host.gw, code);
    expect(again.json.data).toMatchObject({
      code: 0,
      openId: first.json.data.openId,
      accessToken: first.json.data.accessToken,
    });
  });

  it('code errors are not cached: each try asks WeChat and gets the refusal', async () => {
    const before = host.sim.simulator.exchanges;
    const a = await exchange(host.gw, 'NO_SUCH_CODE_0123456789');
    const b = await exchange(host.gw, 'NO_SUCH_CODE_0123456789');
    for (const r of [a, b]) {
      expect(r.json.code).toBe(0);
      expect(r.json.data).toEqual({
        code: 1,
        msg: expect.any(String),
        resTime: expect.any(Number),
        sign: expect.any(String),
      });
      // Outside the signed data: no DaxPay SDK model has it.
      expect(r.json.wxErrcode).toBe(40029);
      expect(r.json.data.msg).toContain('WeChat errcode 40029');
    }
    expect(host.sim.simulator.exchanges - before).toBe(2);
  });

  it('stable identity: same (app, user) gives the same openId across codes; other users differ', async () => {
    const one = await exchange(host.gw, issue('dave'));
    const two = await exchange(host.gw, issue('dave'));
    const other = await exchange(host.gw, issue('erin'));
    expect(one.json.data.openId).toBe(two.json.data.openId);
    expect(one.json.data.openId).toBe(WechatSimulator.openIdFor(DEMO_WECHAT_APP.appId, 'dave'));
    expect(one.json.data.accessToken).not.toBe(two.json.data.accessToken);
    expect(other.json.data.openId).not.toBe(one.json.data.openId);
  });

  it('never answers refresh_token', async () => {
    const r = await exchange(host.gw, issue('frank'));
    expect(r.text).not.toMatch(/refresh/i);
    expect(r.text).not.toContain('SIM_RT_');
  });
});
