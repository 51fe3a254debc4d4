import { startSimulatorServer, RunningSimulator } from '../../../simulator/src/simulator.server';
import { ADAPTERS, codeFrom, nowSeconds, post, RunningGateway } from '../../../../test/support/gateway';
import { startMinimalHost } from '../../../../test/support/minimal-host';
import { LogCapture } from '../../../../test/support/log-capture';
import { withSign } from '../../../wire/src/signing/signature';
import { randomBytes } from 'node:crypto';

// Distinctive values, so a leak cannot hide behind a common substring.
const SIGN_SECRET = 'SIGNSECRET-p4x7w2kq';
const APP_SECRET = 'APPSECRET-zq8v3k9m';
const APP = { appId: 'wxsecretlogtest01', appSecret: APP_SECRET };
const MERCHANT = {
  mchNo: 'MLOG00001',
  wechat: APP,
  signType: 'HMAC_SHA256',
  signSecret: SIGN_SECRET,
  redirectHosts: ['localhost:*'],
};
const TRACE_ID = /traceId=([A-Za-z0-9]{12})\b/;

describe.each(ADAPTERS)('no secret, code, token or sign in the logs over %s', (adapter) => {
  let sim: RunningSimulator;
  let gw: RunningGateway;
  const logs = new LogCapture();
  /** Every value that must never appear in a log line. */
  const forbidden = new Set<string>([SIGN_SECRET, APP_SECRET]);
  const answers: { traceId: string; code: number }[] = [];

  const body = (fields: Record<string, unknown>) => {
    const b = withSign(
      { reqTime: nowSeconds(), nonceStr: randomBytes(6).toString('hex'), ...fields },
      'HMAC_SHA256',
      SIGN_SECRET,
    );
    forbidden.add(b.sign);
    if (typeof fields.code === 'string') forbidden.add(fields.code);
    return b;
  };
  const send = async (route: string, b: unknown) => {
    const a = await post(gw.baseUrl, route, b);
    answers.push({ traceId: a.json.traceId, code: a.json.code });
    return a;
  };

  beforeAll(async () => {
    sim = await startSimulatorServer({ apps: [APP] });
    gw = await startMinimalHost({
      adapter,
      wechatBase: sim.baseUrl,
      logger: logs,
      override: { merchants: [MERCHANT], rateLimit: { ip: false, merchant: false } },
    });
    // A full flow, then every kind of failure.
    const auth = await send('getWxAuthUrl', body({ url: 'http://localhost:3000/cb', state: 's1' }));
    expect(auth.json.code).toBe(0);
    const code = await codeFrom(auth.json.data.url);
    const okBody = body({ code });
    const ok = await send('getWxAccessToken', okBody);
    expect(ok.json.data).toMatchObject({ code: 0, accessToken: expect.any(String) });
    forbidden.add(ok.json.data.accessToken);
    forbidden.add(ok.json.data.sign);
    // The same code again (the relay's idempotent answer, or WeChat's 40163).
    await send('getWxAccessToken', body({ code }));
    // A copy of a signed body: answered from the replay memory (request.replayed), token and all.
    expect((await send('getWxAccessToken', okBody)).text).toBe(ok.text);
    // A copy of a refused one runs again (refusals are not stored).
    const refusedTwice = body({ code: 'CODE-REPLAY-7f3a9c' });
    await send('getWxAccessToken', refusedTwice);
    expect((await send('getWxAccessToken', refusedTwice)).json.data).toMatchObject({ code: 1 });
    // Bad sign, carrying a code.
    const bad = { ...body({ code: 'CODE-BADSIGN-91xq' }), sign: 'e'.repeat(64) };
    forbidden.add(bad.sign);
    expect((await send('getWxAccessToken', bad)).json.code).toBe(20052);
    // WeChat refuses a code (40029).
    const refused = await send('getWxAccessToken', body({ code: 'CODE-REFUSED-k2m8' }));
    expect(refused.json.data).toMatchObject({ code: 1 });
    // Invalid fields, redirect refused, wrong JSON.
    expect((await send('getWxAccessToken', body({ code: 'CODE-TOOLONG-'.padEnd(80, 'z') }))).json.code).toBe(10006);
    expect((await send('getWxAuthUrl', body({ url: 'https://evil.example/cb' }))).json.code).toBe(29062);
    expect((await send('getWxAccessToken', `{"code":"CODE-BROKENJSON-5t6y","sign":"${SIGN_SECRET}"`)).json.code).toBe(
      10005,
    );
    // WeChat down.
    await sim.close();
    const down = await send('getWxAccessToken', body({ code: 'CODE-WXDOWN-3d4f' }));
    expect(down.json.code).toBeGreaterThanOrEqual(29301);
  }, 60_000);
  afterAll(async () => {
    await gw?.close();
  });

  it('captured the flow (sanity)', () => {
    expect(logs.assistLines().length).toBeGreaterThanOrEqual(answers.length);
    expect(logs.text().some((l) => l.includes('wechat.exchanged'))).toBe(true);
    expect(logs.text().some((l) => l.includes('wechat.refused'))).toBe(true);
    expect(logs.text().some((l) => l.includes('sign.rejected'))).toBe(true);
  });

  it('has no secret, code, access token or sign in any line', () => {
    const leaks: string[] = [];
    for (const line of logs.text())
      for (const value of forbidden) if (line.includes(value)) leaks.push(`${value} in: ${line}`);
    expect(leaks).toEqual([]);
    // The forbidden set really holds the flow's values.
    expect(forbidden.size).toBeGreaterThan(12);
  });

  it("carries the request's traceId on every line of the module", () => {
    for (const line of logs.assistLines()) expect(line.message).toMatch(TRACE_ID);
    // And each failed request can be found in the logs by the traceId it answered with.
    const logged = new Set(logs.assistLines().map((l) => TRACE_ID.exec(l.message)![1]));
    for (const a of answers.filter((x) => x.code !== 0))
      expect([a.code, logged.has(a.traceId)]).toEqual([a.code, true]);
  });
});
