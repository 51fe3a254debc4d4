import { AssistErrorCode as E } from '../../../wire/src/error-codes';
import { sign } from '../../../wire/src/signing/signature';
import { AlipaySimulator } from '../../../simulator/src/alipay-simulator';
import { authCodeFrom, DEMO_ALIPAY_APP_ID, useChannelsGateway } from '../../../../test/support/channels-gateway';
import { ADAPTERS, DEMO_SECRET, post, signedBody } from '../../../../test/support/gateway';
import { waitFor } from '../../../../test/support/wait';

/** data minus its sign, re-signed with the demo secret: what a DaxPay client checks. */
function expectSigned(data: Record<string, unknown>): void {
  const { sign: received, ...unsigned } = data;
  expect(received).toBe(sign(unsigned as Record<string, string>, 'HMAC_SHA256', DEMO_SECRET));
}

describe.each(ADAPTERS)('Alipay relay over %s', (adapter) => {
  const f = useChannelsGateway(adapter, {
    alipayIds: 'both',
    alipayTimeoutMs: 2000,
    exchange: { breakerThreshold: 1000 },
  });
  beforeEach(() => f.alipay.simulator.reset());

  it('getAlipayAuthUrl → authorize page → auth_code → getAlipayUserId, signed', async () => {
    const auth = await post(
      f.gw.baseUrl,
      'getAlipayAuthUrl',
      signedBody({ url: 'http://localhost:3000/pay?order=1', state: 'st-1' }),
    );
    expect(auth.json).toMatchObject({ code: 0, data: { code: 0 } });
    expect(auth.json.data.url).toBe(
      `${f.alipay.openAuthBase}/oauth2/publicAppAuthorize.htm?app_id=${DEMO_ALIPAY_APP_ID}&scope=auth_base` +
        `&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fpay%3Forder%3D1&state=st-1`,
    );
    expectSigned(auth.json.data);

    const authCode = await authCodeFrom(auth.json.data.url);
    const ids = await post(f.gw.baseUrl, 'getAlipayUserId', signedBody({ authCode }));
    expect(ids.json.code).toBe(0);
    expect(ids.json.data).toEqual({
      code: 0,
      userId: AlipaySimulator.userIdFor('demo-user'),
      openId: AlipaySimulator.openIdFor(DEMO_ALIPAY_APP_ID, 'demo-user'),
      resTime: expect.any(Number),
      sign: expect.any(String),
    });
    expectSigned(ids.json.data);
    // Neither the access token nor the code travels back.
    expect(ids.text).not.toContain(authCode);
    expect(ids.text).not.toMatch(/accessToken|access_token|refresh/i);
    expect(f.alipay.simulator.exchanges).toBe(1);
  });

  it('auth_user scope and a redirect host off the allow-list', async () => {
    const auth = await post(
      f.gw.baseUrl,
      'getAlipayAuthUrl',
      signedBody({ url: 'http://localhost:3000/pay', scope: 'auth_user' }),
    );
    expect(auth.json.data.url).toContain('&scope=auth_user&');
    const foreign = await post(f.gw.baseUrl, 'getAlipayAuthUrl', signedBody({ url: 'https://evil.example/x' }));
    expect(foreign.json).toMatchObject({ code: E.REDIRECT_NOT_ALLOWED, data: null });
    const badState = await post(
      f.gw.baseUrl,
      'getAlipayAuthUrl',
      signedBody({ url: 'http://localhost:3000/pay', state: 'has space' }),
    );
    expect(badState.json.code).toBe(E.INVALID_FIELD);
    expect(badState.json.msg).toContain('state must be printable ASCII');
  });

  it('the same auth code twice gets the same answer with one call to Alipay', async () => {
    const authCode = f.alipay.simulator.issueAuthCode(DEMO_ALIPAY_APP_ID, 'payer-2');
    const first = await post(f.gw.baseUrl, 'getAlipayUserId', signedBody({ authCode }));
    const second = await post(f.gw.baseUrl, 'getAlipayUserId', signedBody({ authCode }));
    expect(first.json.data.code).toBe(0);
    expect({ userId: second.json.data.userId, openId: second.json.data.openId }).toEqual({
      userId: first.json.data.userId,
      openId: first.json.data.openId,
    });
    expect(second.json.data.userId).toBe(AlipaySimulator.userIdFor('payer-2'));
    expectSigned(second.json.data);
    expect(f.alipay.simulator.exchanges).toBe(1);
  });

  it('isv.code-invalid is a signed business failure naming the sub_code, with nothing else in data', async () => {
    const res = await post(f.gw.baseUrl, 'getAlipayUserId', signedBody({ authCode: 'never-issued-code-0001' }));
    expect(res.json.code).toBe(0);
    expect(Object.keys(res.json.data).sort()).toEqual(['code', 'msg', 'resTime', 'sign']);
    expect(res.json.data.code).toBe(1);
    expect(res.json.data.msg).toBe(
      'the Alipay auth code is invalid, expired or already used (Alipay isv.code-invalid, code 40002)',
    );
    expect(res.json).not.toHaveProperty('wxErrcode');
    expectSigned(res.json.data);
    expect(f.alipay.simulator.exchanges).toBe(1);
  });

  it('an injected isv.invalid-app-id is a business failure and burns no code', async () => {
    const authCode = f.alipay.simulator.issueAuthCode(DEMO_ALIPAY_APP_ID);
    f.alipay.simulator.alipayFaults.add([{ kind: 'sub-code', subCode: 'isv.invalid-app-id', times: 1 }]);
    const refused = await post(f.gw.baseUrl, 'getAlipayUserId', signedBody({ authCode }));
    expect(refused.json.data).toMatchObject({ code: 1, msg: expect.stringContaining('isv.invalid-app-id') });
    // The fault answered before the code was looked at: it survives, and the next call spends it.
    expect(f.alipay.simulator.codeState(authCode)).toBe('unused');
    const ok = await post(f.gw.baseUrl, 'getAlipayUserId', signedBody({ authCode }));
    expect(ok.json.data.code).toBe(0);
  });

  it.each([
    ['bad-sign → UPSTREAM_BAD_RESPONSE', { kind: 'bad-sign' as const }, E.UPSTREAM_BAD_RESPONSE, /not trusted/],
    ['unsigned → UPSTREAM_BAD_RESPONSE', { kind: 'unsigned' as const }, E.UPSTREAM_BAD_RESPONSE, /not trusted/],
  ])('%s: no retry, the code is spent', async (_name, fault, code, msg) => {
    const authCode = f.alipay.simulator.issueAuthCode(DEMO_ALIPAY_APP_ID);
    f.alipay.simulator.alipayFaults.add([fault]);
    const res = await post(f.gw.baseUrl, 'getAlipayUserId', signedBody({ authCode }));
    expect(res.json).toMatchObject({ code, data: null });
    expect(res.json.msg).toMatch(msg);
    expect(res.text).not.toContain(authCode);
    expect(f.alipay.simulator.exchanges).toBe(1);
    expect(f.alipay.simulator.codeState(authCode)).toBe('used');
  });

  it('a timeout → UPSTREAM_TIMEOUT, never retried; Alipay spends the code anyway', async () => {
    const authCode = f.alipay.simulator.issueAuthCode(DEMO_ALIPAY_APP_ID);
    // Well past the 2 s timeout: urllib (undici) checks its timers every half second or so. (The timeout is 2 s,
    // not a few hundred ms, so that a success is not a timeout on a loaded machine.)
    f.alipay.simulator.faults.add([{ kind: 'latency', ms: 6000, times: 1 }]);
    const res = await post(f.gw.baseUrl, 'getAlipayUserId', signedBody({ authCode }));
    expect(res.json).toMatchObject({ code: E.UPSTREAM_TIMEOUT, data: null, msg: 'Alipay did not answer in time' });
    expect(f.alipay.simulator.exchanges).toBe(1);
    await waitForState(f.alipay.simulator, authCode, 'used');
  });

  it.each([
    ['http 503 → UPSTREAM_HTTP_ERROR', { kind: 'http' as const, status: 503 }, E.UPSTREAM_HTTP_ERROR],
    ['non-json → UPSTREAM_BAD_RESPONSE', { kind: 'non-json' as const }, E.UPSTREAM_BAD_RESPONSE],
    ['busy (isp.unknow-error) → signed business failure', { kind: 'busy' as const }, 0],
  ])('%s: one call, the code survives', async (_name, fault, code) => {
    const authCode = f.alipay.simulator.issueAuthCode(DEMO_ALIPAY_APP_ID);
    f.alipay.simulator.faults.add([fault]);
    const res = await post(f.gw.baseUrl, 'getAlipayUserId', signedBody({ authCode }));
    expect(res.json.code).toBe(code);
    if (code === 0) expect(res.json.data).toMatchObject({ code: 1, msg: expect.stringContaining('isp.unknow-error') });
    expect(f.alipay.simulator.exchanges).toBe(1);
    expect(f.alipay.simulator.codeState(authCode)).toBe('unused');
  });

  it('a reset connection → UPSTREAM_UNREACHABLE after the SDK own single retry, the code survives', async () => {
    const authCode = f.alipay.simulator.issueAuthCode(DEMO_ALIPAY_APP_ID);
    f.alipay.simulator.faults.add([{ kind: 'reset', times: 5 }]);
    const res = await post(f.gw.baseUrl, 'getAlipayUserId', signedBody({ authCode }));
    expect(res.json).toMatchObject({ code: E.UPSTREAM_UNREACHABLE, data: null });
    expect(res.json.msg).toMatch(/^Alipay is unreachable/);
    // The relay adds no retry of its own: what reached the simulator is urllib's.
    report.push(`reset: ${f.alipay.simulator.exchanges} gateway calls`);
    expect(f.alipay.simulator.exchanges).toBeLessThanOrEqual(2);
    expect(f.alipay.simulator.codeState(authCode)).toBe('unused');
  });
});

const report: string[] = [];
afterAll(() => {
  if (report.length) process.stdout.write(`${report.join('\n')}\n`);
});

async function waitForState(sim: AlipaySimulator, code: string, state: string): Promise<void> {
  // Polled, with the suite's generous default bound: a code spent after a latency fault changes state late.
  await waitFor(() => sim.codeState(code) === state);
  expect(sim.codeState(code)).toBe(state);
}
