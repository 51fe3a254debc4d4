import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { AssistErrorCode, sign, withSign } from 'unipay-assist';
import { documentAssistRoutes } from 'unipay-assist/openapi';
import { RunningSimulator, startSimulatorServer } from 'unipay-assist/simulator';
import { AppModule, SIGN_SECRET, WECHAT_APP } from '../src/app.module';

const signed = (fields: Record<string, unknown>) =>
  withSign({ reqTime: Math.floor(Date.now() / 1000), nonceStr: randomBytes(8).toString('hex'), ...fields }, 'MD5', SIGN_SECRET);

describe('NestJS 11 CommonJS host mounting the packed unipay-assist', () => {
  let sim: RunningSimulator;
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
    sim = await startSimulatorServer({ apps: [WECHAT_APP] });
    app = await NestFactory.create(AppModule.register(sim.baseUrl), { logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await sim?.close();
  });

  it('loads the CommonJS build through the exports map', () => {
    expect(require.resolve('unipay-assist')).toMatch(/unipay-assist[\\/]dist[\\/]cjs[\\/]index\.js$/);
    expect(require.resolve('unipay-assist/simulator')).toMatch(/dist[\\/]cjs[\\/]simulator[\\/]index\.js$/);
    expect(require('@nestjs/core/package.json').version).toMatch(/^11\./);
  });

  it('runs the full flow: auth URL, WeChat consent, code exchange, signed answer, a copy answered from the replay memory', async () => {
    const auth = await post('getWxAuthUrl', signed({ url: 'https://shop.example.com/pay?order=42', state: 'o42' }));
    expect(auth.status).toBe(200);
    expect(auth.json).toMatchObject({ code: 0, msg: 'success', data: { code: 0 } });
    expect(auth.json.data.url.startsWith(`${sim.baseUrl}/connect/oauth2/authorize?appid=${WECHAT_APP.appId}&`)).toBe(true);

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

  it("reports health and metrics through the host's Terminus and registry, and documents the routes in the host's OpenAPI", async () => {
    const health = await (await fetch(`${base}/health`)).json();
    expect(health).toMatchObject({
      status: 'ok',
      info: { payments: { status: 'up', redis: 'not configured', wechatBreaker: { [new URL(sim.baseUrl).host]: 'closed' } } },
    });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    // The exchange and its replayed copy: both answered with code 0 (the copy without running again).
    expect(metrics).toMatch(/^host_payments_requests_total\{route="getWxAccessToken",code="0"\} 2$/m);
    expect(metrics).toMatch(/^host_payments_replay_answers_total\{source="stored"\} 1$/m);

    documentAssistRoutes();
    const doc = SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('host').build());
    const op = doc.paths['/unipay/assist/getWxAccessToken']?.post as any;
    expect(op['x-error-codes'].map((c: { code: number }) => c.code)).toContain(AssistErrorCode.REPLAYED);
    expect(doc.paths['/unipay/assist/getWxAuthUrl']).toBeDefined();
  });
});
