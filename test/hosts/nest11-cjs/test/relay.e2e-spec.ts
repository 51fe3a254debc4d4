import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssistErrorCode, sign, withSign } from 'unipay-assist';
import { AssistBusinessError, AssistSignatureError, UnipayAssistClient } from '@unipay-assist/client';
import { documentAssistRoutes } from 'unipay-assist/openapi';
import {
  AlipaySimulator,
  RunningAlipaySimulator,
  RunningSimulator,
  startAlipaySimulator,
  startSimulatorServer,
  WechatSimulator,
} from '@unipay-assist/simulator';
import { ALIPAY_APP_ID, AppModule, MINI_PROGRAM, SIGN_SECRET, WECHAT_APP } from '../src/app.module';

const signed = (fields: Record<string, unknown>) =>
  withSign(
    { reqTime: Math.floor(Date.now() / 1000), nonceStr: randomBytes(8).toString('hex'), ...fields },
    'MD5',
    SIGN_SECRET,
  );

describe('NestJS 11 CommonJS host mounting the packed unipay-assist', () => {
  let sim: RunningSimulator;
  let alipay: RunningAlipaySimulator;
  let keyDir: string;
  let app: INestApplication;
  let base: string;

  const post = async (route: string, body: unknown) => {
    const res = await fetch(`${base}/unipay/assist/${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as any };
  };

  beforeAll(async () => {
    sim = await startSimulatorServer({ apps: [WECHAT_APP], miniPrograms: [MINI_PROGRAM] });
    // Both ids, so the answer shows the host gets whatever the app has.
    alipay = await startAlipaySimulator({ apps: [{ appId: ALIPAY_APP_ID, ids: 'both' }] });
    // The RSA2 keys the simulator made for the app, as the files a host configures.
    const keys = alipay.appKeys(ALIPAY_APP_ID);
    keyDir = await mkdtemp(join(tmpdir(), 'host11-alipay-'));
    const alipayPrivateKeyFile = join(keyDir, 'app-private.pem');
    const alipayPublicKeyFile = join(keyDir, 'alipay-public.pem');
    await writeFile(alipayPrivateKeyFile, keys.appPrivateKey ?? '', { mode: 0o600 });
    await writeFile(alipayPublicKeyFile, keys.alipayPublicKey);
    const upstreams = {
      wechatBase: sim.baseUrl,
      alipayBase: alipay.baseUrl,
      alipayPrivateKeyFile,
      alipayPublicKeyFile,
    };
    app = await NestFactory.create(AppModule.register(upstreams), { logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await sim?.close();
    await alipay?.close();
    if (keyDir) await rm(keyDir, { recursive: true, force: true });
  });

  /** The merchant's client: signs each request and verifies each answer's data.sign before returning it. */
  const client = (fetchImpl?: typeof fetch) =>
    new UnipayAssistClient({
      baseUrl: base,
      mchNo: 'M1100000001',
      signType: 'MD5',
      signSecret: SIGN_SECRET,
      ...(fetchImpl && { fetch: fetchImpl }),
    });

  it('loads the CommonJS build through the exports map', () => {
    expect(require.resolve('unipay-assist')).toMatch(/unipay-assist[\\/]dist[\\/]cjs[\\/]index\.js$/);
    expect(require.resolve('@unipay-assist/simulator')).toMatch(/simulator[\\/]dist[\\/]cjs[\\/]index\.js$/);
    expect(require('@nestjs/core/package.json').version).toMatch(/^11\./);
  });

  it('runs the full flow: auth URL, WeChat consent, code exchange, signed answer, a copy answered from the replay memory', async () => {
    const auth = await post('getWxAuthUrl', signed({ url: 'https://shop.example.com/pay?order=42', state: 'o42' }));
    expect(auth.status).toBe(200);
    expect(auth.json).toMatchObject({ code: 0, msg: 'success', data: { code: 0 } });
    expect(auth.json.data.url.startsWith(`${sim.baseUrl}/connect/oauth2/authorize?appid=${WECHAT_APP.appId}&`)).toBe(
      true,
    );

    const consent = await fetch(auth.json.data.url, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const redirect = new URL(consent.headers.get('location')!);
    expect(redirect.host).toBe('shop.example.com');
    expect(redirect.searchParams.get('state')).toBe('o42');
    const code = redirect.searchParams.get('code')!;

    const body = signed({ code });
    const token = await post('getWxAccessToken', body);
    expect(token.json.code).toBe(0);
    const { sign: received, ...unsigned } = token.json.data;
    expect(unsigned).toMatchObject({ code: 0, openId: expect.stringMatching(/^o/), accessToken: expect.any(String) });
    expect(JSON.stringify(token.json)).not.toMatch(/refresh/i);
    expect(received).toBe(sign(unsigned, 'MD5', SIGN_SECRET));

    // A copy of the signed body gets the first answer from the replay memory (replay: 'answer', the default).
    const replay = await post('getWxAccessToken', body);
    expect(replay.json).toEqual(token.json);
  });

  it('answers bad input with a clear envelope error', async () => {
    const forged = await post('getWxAccessToken', { ...signed({ code: 'x' }), sign: '0'.repeat(32) });
    expect(forged).toMatchObject({ status: 200, json: { code: AssistErrorCode.BAD_SIGN, data: null } });
    const offList = await post('getWxAuthUrl', signed({ url: 'https://evil.example.net/' }));
    expect(offList.json.code).toBe(AssistErrorCode.REDIRECT_NOT_ALLOWED);
    const broken = await post('getWxAccessToken', '{"code":');
    expect(broken.status).toBeLessThan(500);
    expect(broken.json).toMatchObject({ code: AssistErrorCode.BAD_JSON, data: null });
  });

  it('Alipay: authorize URL, the simulator sends the payer back with auth_code, the RSA2 exchange answers both ids, each answer sign verified', async () => {
    const auth = await client().getAlipayAuthUrl({ url: 'https://shop.example.com/pay?order=43', state: 'a43' });
    const authorize = new URL(auth.url);
    expect(authorize.origin + authorize.pathname).toBe(`${alipay.baseUrl}/oauth2/publicAppAuthorize.htm`);
    expect(authorize.searchParams.get('app_id')).toBe(ALIPAY_APP_ID);
    expect(authorize.searchParams.get('scope')).toBe('auth_base');
    authorize.searchParams.set('sim_user', 'host11-payer');

    // auth_base is silent on Alipay: straight back to the merchant page with auth_code and state.
    const consent = await fetch(authorize, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const back = new URL(consent.headers.get('location') ?? '');
    expect(back.host).toBe('shop.example.com');
    expect(back.searchParams.get('state')).toBe('a43');
    const authCode = back.searchParams.get('auth_code') ?? '';
    expect(authCode).not.toBe('');

    const before = alipay.simulator.exchanges;
    const ids = await client().getAlipayUserId({ authCode });
    expect(ids).toMatchObject({
      userId: AlipaySimulator.userIdFor('host11-payer'),
      openId: AlipaySimulator.openIdFor(ALIPAY_APP_ID, 'host11-payer'),
      sign: expect.stringMatching(/^[0-9A-F]{32}$/i),
    });
    expect(JSON.stringify(ids)).not.toMatch(/accessToken|access_token|authbse/);
    // The same auth_code again (a client retry): the same ids, Alipay called once.
    expect((await client().getAlipayUserId({ authCode })).userId).toBe(ids.userId);
    expect(alipay.simulator.exchanges - before).toBe(1);

    // Alipay's refusal is a signed business failure; its sub_code is named.
    await expect(client().getAlipayUserId({ authCode: 'never-issued-code' })).rejects.toThrow(AssistBusinessError);
    await expect(client().getAlipayUserId({ authCode: 'never-issued-code-2' })).rejects.toThrow(/isv\.code-invalid/);

    // The client believes nothing whose sign does not verify: one changed byte in data is refused.
    const tampering: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const text = (await res.text()).replace('publicAppAuthorize', 'publicAppAuthorizf');
      return new Response(text, { status: res.status, headers: res.headers });
    };
    await expect(client(tampering).getAlipayAuthUrl({ url: 'https://shop.example.com/pay' })).rejects.toThrow(
      AssistSignatureError,
    );
  });

  it('mini program: the wx.login code to the openId through jscode2session, the answer sign verified; 40029 a business failure', async () => {
    const code = sim.miniProgram.issueLoginCode(MINI_PROGRAM.appId, 'host11-mini');
    const mini = await client().getWxMiniOpenId({ code });
    expect(mini.openId).toBe(WechatSimulator.openIdFor(MINI_PROGRAM.appId, 'host11-mini'));
    expect(mini.sign).toMatch(/^[0-9A-F]{32}$/i);
    expect(JSON.stringify(mini)).not.toMatch(/session_?key/i);
    const refused = await client()
      .getWxMiniOpenId({ code: 'not-a-login-code' })
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(AssistBusinessError);
    expect(refused).toMatchObject({ wxErrcode: 40029 });
  });

  it("reports health and metrics through the host's Terminus and registry, and documents the routes in the host's OpenAPI", async () => {
    const health = await (await fetch(`${base}/health`)).json();
    expect(health).toMatchObject({
      status: 'ok',
      info: {
        payments: {
          status: 'up',
          redis: 'not configured',
          breakers: { wechat: { [new URL(sim.baseUrl).host]: 'closed' } },
        },
      },
    });
    // Per channel: WeChat web and the mini program go through the one breaker of the WeChat host, Alipay through its own.
    const wechatHost = new URL(sim.baseUrl).host;
    expect(health.info.payments.breakers).toEqual({
      wechat: { [wechatHost]: 'closed' },
      wechat_mini: { [wechatHost]: 'closed' },
      alipay: { [new URL(alipay.baseUrl).host]: 'closed' },
    });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    // The exchange and its replayed copy: both answered with code 0 (the copy without running again).
    expect(metrics).toMatch(
      /^host_payments_requests_total\{route="getWxAccessToken",code="0",dialect="daxpay-2.0.6"\} 2$/m,
    );
    expect(metrics).toMatch(/^host_payments_replay_answers_total\{source="stored"\} 1$/m);
    // One upstream call per channel answered a success (the repeated auth_code came from the exchange cache).
    expect(metrics).toMatch(/^host_payments_upstream_call_duration_seconds_count\{outcome="ok",channel="alipay"\} 1$/m);
    expect(metrics).toMatch(
      /^host_payments_upstream_call_duration_seconds_count\{outcome="ok",channel="wechat_mini"\} 1$/m,
    );
    // Two answers and two refusals: a business failure is a code-0 envelope (data.code 1).
    expect(metrics).toMatch(
      /^host_payments_requests_total\{route="getAlipayUserId",code="0",dialect="daxpay-2.0.6"\} 4$/m,
    );

    documentAssistRoutes();
    const doc = SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('host').build());
    const op = doc.paths['/unipay/assist/getWxAccessToken']?.post as any;
    expect(op['x-error-codes'].map((c: { code: number }) => c.code)).toContain(AssistErrorCode.REPLAYED);
    expect(doc.paths['/unipay/assist/getWxAuthUrl']).toBeDefined();
    for (const route of ['getAlipayAuthUrl', 'getAlipayUserId', 'getWxMiniOpenId'])
      expect(doc.paths[`/unipay/assist/${route}`]).toBeDefined();
  });
});
