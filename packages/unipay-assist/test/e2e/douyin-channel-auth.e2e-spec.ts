import { INestApplication } from '@nestjs/common';
import { createDemoApp } from '../../../../apps/demo/src/create-demo-app';
import { DEMO_MERCHANT } from '../../../../apps/demo/src/demo-merchant';
import { MerchantInput } from '../../src/merchants/merchant';
import { CodeExchangeService } from '../../src/exchange/code-exchange.service';
import { DouyinSimulator } from '../../../simulator/src/douyin-simulator';
import { RunningDouyinSimulator, startDouyinSimulator } from '../../../simulator/src/douyin-simulator.server';
import { ADAPTERS, signedBody } from '../../../../test/support/gateway';
import { getPage, postChannelAuth } from '../../../../test/support/channel-auth-gateway';
import { freePort } from '../../../../test/support/redis-server';

const DOUYIN_APP = { clientKey: 'awsimclientkey0001', clientSecret: 'douyin-secret-not-real' };
const DOUYIN_MERCHANT: MerchantInput = {
  ...DEMO_MERCHANT,
  mchNo: 'M7000000007',
  appId: 'A7000000007',
  miniProgram: undefined,
  douyin: DOUYIN_APP,
};

describe.each(ADAPTERS)('Douyin H5 silent_auth in the hosted flows, over %s', (adapter) => {
  let douyin: RunningDouyinSimulator;
  let app: INestApplication;
  let baseUrl = '';
  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    douyin = await startDouyinSimulator({
      apps: [{ ...DOUYIN_APP, redirectUri: `${baseUrl}/unipay/assist/channel/auth/callback/douyin` }],
    });
    app = await createDemoApp({
      adapter,
      logger: false,
      override: {
        merchants: [DEMO_MERCHANT, DOUYIN_MERCHANT],
        hostedAuth: { publicBaseUrl: baseUrl },
        douyin: { apiBase: douyin.baseUrl, authBase: douyin.baseUrl },
        exchange: { breakerThreshold: 3, breakerHalfOpenMs: 60_000, retryDelayMs: 0 },
      },
    });
    await app.listen(port, '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
    await douyin?.close();
  });

  const body = (fields: Record<string, unknown>, merchant = DOUYIN_MERCHANT): Record<string, unknown> =>
    signedBody({ mchNo: merchant.mchNo, ...fields });

  it("generateAuthUrl: Douyin's silent_auth URL back to the gateway's callback; the flow completes there and reads back", async () => {
    const started = await postChannelAuth(baseUrl, 'generateAuthUrl', body({ channel: 'douyin' }));
    expect(started.json).toMatchObject({ code: 0, data: { code: 0 } });
    const { authUrl, queryCode } = started.json.data;
    const url = new URL(authUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`${douyin.baseUrl}/passport/open/silent_auth/`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_key: DOUYIN_APP.clientKey,
      response_type: 'code',
      scope: 'login_id',
      redirect_uri: `${baseUrl}/unipay/assist/channel/auth/callback/douyin`,
    });
    const toGateway = await getPage(`${authUrl}&sim_user=dy-payer`);
    expect(toGateway.status).toBe(302);
    const done = await getPage(toGateway.location!);
    expect(done.text).toContain('Authorization complete');
    const read = await postChannelAuth(baseUrl, 'auth', body({ channel: 'douyin', queryCode }));
    expect(read.json.data).toMatchObject({
      status: 'success',
      openId: DouyinSimulator.openIdFor(DOUYIN_APP.clientKey, 'dy-payer'),
      accessToken: expect.stringMatching(/^act\./),
    });
    expect(read.json.data).not.toHaveProperty('refreshToken');
  });

  it('auth with a code: one call to Douyin however often the code comes back', async () => {
    const code = douyin.simulator.issueCode(DOUYIN_APP.clientKey, 'dy-twice');
    const before = douyin.simulator.exchanges;
    const first = await postChannelAuth(baseUrl, 'auth', body({ channel: 'douyin', authCode: code }));
    const again = await postChannelAuth(baseUrl, 'auth', body({ channel: 'douyin', authCode: code }));
    expect(first.json.data).toMatchObject({
      status: 'success',
      openId: DouyinSimulator.openIdFor(DOUYIN_APP.clientKey, 'dy-twice'),
    });
    expect(again.json.data.openId).toBe(first.json.data.openId);
    expect(douyin.simulator.exchanges - before).toBe(1);
  });

  it("Douyin's refusal is a business failure naming its error_code", async () => {
    const r = await postChannelAuth(baseUrl, 'auth', body({ channel: 'douyin', authCode: 'no-such-code' }));
    expect(r.json).toMatchObject({ code: 0, data: { code: 1 } });
    expect(r.json.data.msg).toContain('Douyin error_code 10007');
  });

  it('a merchant without a Douyin app gets 29401; authPath is refused for Douyin (no query in its redirect_uri)', async () => {
    const none = await postChannelAuth(baseUrl, 'generateAuthUrl', body({ channel: 'douyin' }, DEMO_MERCHANT));
    expect(none.json).toMatchObject({ code: 29401, data: null });
    const path = await postChannelAuth(
      baseUrl,
      'generateAuthUrl',
      body({ channel: 'douyin', authPath: '/pay/douyin' }),
    );
    expect(path.json).toMatchObject({ code: 10006, data: null });
    expect(path.json.msg).toContain('authPath');
  });

  it("a state from another channel's flow is refused at Douyin's callback", async () => {
    const page = await getPage(
      `${baseUrl}/unipay/assist/channel/auth/callback/douyin?code=abc&state=${'x'.repeat(32)}`,
    );
    expect(page.status).toBe(400);
  });

  it('Douyin failing opens its own breaker (channel douyin), failing fast with 29305', async () => {
    await fetch(`${douyin.baseUrl}/__sim/douyin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'http', status: 502, times: 10 }),
    });
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await postChannelAuth(
        baseUrl,
        'auth',
        body({ channel: 'douyin', authCode: douyin.simulator.issueCode(DOUYIN_APP.clientKey, `down${i}`) }),
      );
      codes.push(r.json.code);
    }
    expect(codes).toEqual([29304, 29304, 29304, 29305]);
    const states = app.get(CodeExchangeService).breakerStatesByChannel();
    expect(states.douyin).toEqual({ [new URL(douyin.baseUrl).host]: 'open' });
    expect(states.wechat).toBeUndefined();
  });
});
