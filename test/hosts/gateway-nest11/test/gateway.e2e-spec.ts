import 'reflect-metadata';
import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ApiTags, DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import {
  AssistClock,
  AssistErrorCode,
  AssistModule,
  AssistModuleOptions,
  assistConfig,
  MerchantInput,
  sign,
  withSign,
} from 'unipay-assist';
import { RunningSimulator, startSimulatorServer } from '@unipay-assist/simulator';
import { AdapterName, createGateway, FilterMode, GatewayOptions } from '../src/app';
import { Public, SkipWrap } from '../src/host-kit';
import { OrderStatusController } from '../src/order-status.controller';

/*
 * The packed unipay-assist in a gateway with every usual piece of global
 * machinery (src/host-kit.ts, src/app.ts), on Express and on Fastify. Each
 * situation is compared against a reference: the gateway's routes against
 * the same gateway without the module, the relay's routes against the
 * module alone in a bare app (traceId aside; the relay's clock is pinned, so
 * resTime and the answer's sign agree too).
 */

const ADAPTERS: AdapterName[] = ['express', 'fastify'];
const FILTERS: FilterMode[] = ['APP_FILTER', 'useGlobalFilters'];
const WECHAT_APP = { appId: 'wx0gateway0nest11a', appSecret: 'gateway11-app-secret' };
const SECRET = 'gateway11-sign-secret';
const MERCHANT: MerchantInput = {
  mchNo: 'G1100000001',
  wechat: WECHAT_APP,
  signType: 'HMAC_SHA256',
  signSecret: SECRET,
  redirectHosts: ['shop.example.com'],
};

const NOW_MS = Date.now();
const clock: AssistClock = { nowMs: () => NOW_MS };

const signed = (fields: Record<string, unknown>, secret = SECRET, reqTime = Math.floor(NOW_MS / 1000)) =>
  withSign({ reqTime, nonceStr: randomBytes(8).toString('hex'), ...fields }, 'HMAC_SHA256', secret);
const json = (v: unknown): string => JSON.stringify(v);

interface Answer {
  status: number;
  contentType: string;
  text: string;
  json: any;
}

async function call(base: string, method: string, path: string, body?: string, contentType?: string): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    body,
    headers: contentType ? { 'content-type': contentType } : {},
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, json: parsed };
}

/** Status, content type and body, without the per-request traceId. */
function comparable(a: Answer): { status: number; contentType: string; body: unknown } {
  const body = a.json === undefined ? a.text : a.json;
  if (typeof body === 'object' && body !== null && 'traceId' in body) {
    const { traceId: _traceId, ...rest } = body as Record<string, unknown>;
    return { status: a.status, contentType: a.contentType, body: rest };
  }
  return { status: a.status, contentType: a.contentType, body };
}

function expectEnvelope(a: Answer, code: number): void {
  expect(a.status).toBe(200);
  expect(a.contentType).toMatch(/^application\/json/);
  expect(Object.keys(a.json).sort()).toEqual(['code', 'data', 'msg', 'traceId']);
  expect(a.json.code).toBe(code);
  if (code !== 0) expect(a.json.data).toBeNull();
  expect(a.json).not.toHaveProperty('hostError');
  expect(a.json).not.toHaveProperty('success');
}

function expectSignedData(data: Record<string, string | number | boolean | null>, secret = SECRET): void {
  const { sign: received, ...unsigned } = data;
  expect(received).toBe(sign(unsigned, 'HMAC_SHA256', secret));
}

async function codeFrom(authorizeUrl: string): Promise<string> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`simulator answered ${res.status}`);
  return new URL(location).searchParams.get('code') ?? '';
}

interface Running {
  app: INestApplication;
  base: string;
}

async function listen(app: INestApplication): Promise<Running> {
  await app.listen(0, '127.0.0.1');
  return { app, base: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}` };
}

const startGateway = async (options: GatewayOptions): Promise<Running> => listen(await createGateway(options));

async function startBareRelay(adapter: AdapterName, options: AssistModuleOptions): Promise<Running> {
  @Module({ imports: [AssistModule.forRoot(options)] })
  class BareModule {}
  return listen(
    await NestFactory.create(BareModule, adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(), {
      logger: false,
    }),
  );
}

interface Case {
  name: string;
  method: string;
  path: string;
  body?: string;
  contentType?: string;
}

const JSON_TYPE = 'application/json';
const HOST_CASES: Case[] = [
  {
    name: 'DTO-validated POST',
    method: 'POST',
    path: '/api/v1/orders',
    body: '{"item":"tea","qty":2}',
    contentType: JSON_TYPE,
  },
  {
    name: 'unknown field',
    method: 'POST',
    path: '/api/v1/orders',
    body: '{"item":"tea","qty":2,"coupon":"x"}',
    contentType: JSON_TYPE,
  },
  {
    name: 'invalid field',
    method: 'POST',
    path: '/api/v1/orders',
    body: '{"item":"tea","qty":0}',
    contentType: JSON_TYPE,
  },
  { name: 'bad JSON', method: 'POST', path: '/api/v1/orders', body: '{"item":', contentType: JSON_TYPE },
  { name: 'GET, transformed param', method: 'GET', path: '/api/v1/orders/7' },
  { name: 'a route that throws', method: 'POST', path: '/api/v1/orders/7/cancel' },
  { name: 'no @Public()', method: 'GET', path: '/api/v1/account' },
  { name: '@SkipWrap()', method: 'GET', path: '/api/v1/status' },
  { name: 'unknown route', method: 'GET', path: '/api/v1/nothing-here' },
  { name: 'no version segment', method: 'GET', path: '/api/orders/7' },
  { name: 'no global prefix', method: 'GET', path: '/orders/7' },
];

/** The host's answer for each case, in its own formats. */
const HOST_EXPECTED: Record<string, { status: number; body: unknown }> = {
  'DTO-validated POST': { status: 201, body: { success: true, data: { item: 'tea', qty: 2, isDto: true } } },
  'unknown field': {
    status: 400,
    body: { hostError: true, status: 400, message: ['property coupon should not exist'] },
  },
  'invalid field': { status: 400, body: { hostError: true, status: 400, message: ['qty must not be less than 1'] } },
  'bad JSON': { status: 400, body: { hostError: true, status: 400, message: expect.any(String) } },
  'GET, transformed param': { status: 200, body: { success: true, data: { id: 7, type: 'number' } } },
  'a route that throws': { status: 409, body: { hostError: true, status: 409, message: 'order is locked' } },
  'no @Public()': { status: 401, body: { hostError: true, status: 401, message: 'login required' } },
  '@SkipWrap()': { status: 200, body: { up: true } },
  'unknown route': { status: 404, body: { hostError: true, status: 404, message: 'Cannot GET /api/v1/nothing-here' } },
  'no version segment': { status: 404, body: { hostError: true, status: 404, message: 'Cannot GET /api/orders/7' } },
  'no global prefix': { status: 404, body: { hostError: true, status: 404, message: 'Cannot GET /orders/7' } },
};

const relayCases = (): (Case & { code: number })[] => [
  {
    name: 'signed getWxAuthUrl with one unknown field',
    method: 'POST',
    path: '/unipay/assist/getWxAuthUrl',
    body: json({ ...signed({ url: 'https://shop.example.com/pay', state: 's1' }), unknownField: 'ignored' }),
    code: AssistErrorCode.SUCCESS,
  },
  {
    name: 'bad JSON',
    method: 'POST',
    path: '/unipay/assist/getWxAccessToken',
    body: '{"code":',
    code: AssistErrorCode.BAD_JSON,
  },
  {
    name: 'empty body',
    method: 'POST',
    path: '/unipay/assist/getWxAccessToken',
    body: '',
    code: AssistErrorCode.BAD_JSON,
  },
  {
    name: 'wrong content type',
    method: 'POST',
    path: '/unipay/assist/getWxAuthUrl',
    body: json(signed({ url: 'https://shop.example.com/pay' })),
    contentType: 'text/plain',
    code: AssistErrorCode.UNSUPPORTED_MEDIA_TYPE,
  },
  {
    name: 'unknown route under the prefix',
    method: 'POST',
    path: '/unipay/assist/getWxPayerInfo',
    body: '{}',
    code: AssistErrorCode.ROUTE_NOT_FOUND,
  },
  {
    name: 'GET on a POST route',
    method: 'GET',
    path: '/unipay/assist/getWxAuthUrl',
    code: AssistErrorCode.ROUTE_NOT_FOUND,
  },
  {
    name: 'bad sign',
    method: 'POST',
    path: '/unipay/assist/getWxAuthUrl',
    body: json({ ...signed({ url: 'https://shop.example.com/pay' }), sign: 'a'.repeat(64) }),
    code: AssistErrorCode.BAD_SIGN,
  },
  {
    name: 'invalid field (scope), correctly signed',
    method: 'POST',
    path: '/unipay/assist/getWxAuthUrl',
    body: json(signed({ url: 'https://shop.example.com/pay', scope: 'snsapi_login' })),
    code: AssistErrorCode.INVALID_FIELD,
  },
  {
    name: 'missing field (code), correctly signed',
    method: 'POST',
    path: '/unipay/assist/getWxAccessToken',
    body: json(signed({})),
    code: AssistErrorCode.INVALID_FIELD,
  },
  {
    name: 'redirect host off the allow-list',
    method: 'POST',
    path: '/unipay/assist/getWxAuthUrl',
    body: json(signed({ url: 'https://evil.example.net/' })),
    code: AssistErrorCode.REDIRECT_NOT_ALLOWED,
  },
  {
    name: 'body over the limit',
    method: 'POST',
    path: '/unipay/assist/getWxAccessToken',
    body: json({ code: 'x'.repeat(2 * 1024 * 1024) }),
    code: AssistErrorCode.BODY_TOO_LARGE,
  },
];

const send = (base: string, c: Case): Promise<Answer> => {
  const contentType = c.contentType ?? (c.body === undefined ? undefined : JSON_TYPE);
  return call(base, c.method, c.path, c.body, contentType);
};

it('loads the CommonJS build of the packed tarball, under NestJS 11', () => {
  expect(require.resolve('unipay-assist')).toMatch(/node_modules[\\/]unipay-assist[\\/]dist[\\/]cjs[\\/]index\.js$/);
  expect(require('@nestjs/core/package.json').version).toMatch(/^11\./);
  expect(require('@nestjs/platform-fastify/package.json').version).toMatch(/^11\./);
});

describe.each(ADAPTERS)('gateway on %s', (adapter) => {
  let sim: RunningSimulator;
  const options = (): AssistModuleOptions => ({
    merchants: [MERCHANT],
    wechat: { apiBase: sim.baseUrl, openBase: sim.baseUrl },
    clock,
  });
  beforeAll(async () => {
    sim = await startSimulatorServer({ apps: [WECHAT_APP] });
  });
  afterAll(() => sim?.close());

  describe.each(FILTERS)('catch-all filter through %s', (filter) => {
    let without: Running;
    let gateway: Running;
    let bare: Running;
    beforeAll(async () => {
      without = await startGateway({ adapter, filter });
      gateway = await startGateway({
        adapter,
        filter,
        imports: [
          AssistModule.forRoot({ ...options(), controllerDecorators: [Public(), SkipWrap(), ApiTags('payments')] }),
        ],
      });
      bare = await startBareRelay(adapter, options());
    });
    afterAll(async () => {
      await without?.app.close();
      await gateway?.app.close();
      await bare?.app.close();
    });

    describe("the gateway's routes answer exactly as without the module", () => {
      it.each(HOST_CASES.map((c) => [c.name, c] as const))('%s', async (name, c) => {
        const expected = await send(without.base, c);
        const actual = await send(gateway.base, c);
        expect(comparable(actual)).toEqual(comparable(expected));
        expect(comparable(actual)).toMatchObject(HOST_EXPECTED[name]);
        expect(actual.json).not.toHaveProperty('traceId');
        expect(actual.json).not.toHaveProperty('code');
      });
    });

    describe("the relay's routes answer the DaxPay wire unchanged", () => {
      it.each(relayCases().map((c) => [c.name, c] as const))('%s', async (_name, c) => {
        const reference = await send(bare.base, c);
        const actual = await send(gateway.base, c);
        expectEnvelope(reference, c.code);
        expectEnvelope(actual, c.code);
        expect(comparable(actual)).toEqual(comparable(reference));
        if (c.code === AssistErrorCode.SUCCESS) {
          expectSignedData(actual.json.data);
          expect(actual.json.data).not.toHaveProperty('unknownField');
        }
      });

      it('runs the full getWxAccessToken flow against the simulator, a copy answered from the replay memory', async () => {
        const auth = await send(gateway.base, {
          name: 'auth',
          method: 'POST',
          path: '/unipay/assist/getWxAuthUrl',
          body: json(signed({ url: 'https://shop.example.com/pay?order=42', state: 'o42' })),
        });
        expectEnvelope(auth, 0);
        expect(
          auth.json.data.url.startsWith(`${sim.baseUrl}/connect/oauth2/authorize?appid=${WECHAT_APP.appId}&`),
        ).toBe(true);
        const code = await codeFrom(auth.json.data.url);

        const token: Case = {
          name: 'token',
          method: 'POST',
          path: '/unipay/assist/getWxAccessToken',
          body: json({ ...signed({ code }), extra: 1 }),
        };
        const answer = await send(gateway.base, token);
        expectEnvelope(answer, 0);
        expect(answer.json.data).toMatchObject({
          code: 0,
          openId: expect.stringMatching(/^o/),
          accessToken: expect.any(String),
        });
        expect(answer.text).not.toMatch(/refresh/i);
        expectSignedData(answer.json.data);
        // A copy gets the first answer from the replay memory (replay: 'answer', the default).
        expect((await send(gateway.base, token)).text).toBe(answer.text);
      });
    });
  });

  describe('AssistModule.forRootAsync({ ...assistConfig.asProvider(), controllerDecorators })', () => {
    const saved = { ...process.env };
    let gateway: Running;
    beforeAll(async () => {
      Object.assign(process.env, {
        ASSIST_MCH_NO: 'ENV0001',
        ASSIST_WX_APP_ID: WECHAT_APP.appId,
        ASSIST_WX_APP_SECRET: WECHAT_APP.appSecret,
        ASSIST_SIGN_SECRET: 'env-sign-secret',
        ASSIST_SIGN_TYPE: 'HMAC_SHA256',
        ASSIST_REDIRECT_HOSTS: 'shop.example.com',
        WECHAT_API_BASE: sim.baseUrl,
        WECHAT_OPEN_BASE: sim.baseUrl,
      });
      gateway = await startGateway({
        adapter,
        filter: 'APP_FILTER',
        imports: [
          AssistModule.forRootAsync({ ...assistConfig.asProvider(), controllerDecorators: [Public(), SkipWrap()] }),
        ],
      });
    });
    afterAll(async () => {
      await gateway?.app.close();
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    });

    it('serves the flow for the merchant from the environment', async () => {
      const now = Math.floor(Date.now() / 1000);
      const post = (route: string, fields: Record<string, unknown>) =>
        send(gateway.base, {
          name: route,
          method: 'POST',
          path: `/unipay/assist/${route}`,
          body: json(signed({ mchNo: 'ENV0001', ...fields }, 'env-sign-secret', now)),
        });
      const auth = await post('getWxAuthUrl', { url: 'https://shop.example.com/cb' });
      expectEnvelope(auth, 0);
      const token = await post('getWxAccessToken', { code: await codeFrom(auth.json.data.url) });
      expectEnvelope(token, 0);
      expectSignedData(token.json.data, 'env-sign-secret');
    });
  });

  describe("a signed route of the gateway's own (SignatureGuard, EnvelopeInterceptor, EnvelopeExceptionFilter)", () => {
    let gateway: Running;
    const path = '/api/v1/payments/order-status';
    const post = (body: string, contentType = JSON_TYPE) => call(gateway.base, 'POST', path, body, contentType);
    beforeAll(async () => {
      gateway = await startGateway({
        adapter,
        filter: 'APP_FILTER',
        imports: [AssistModule.forRoot({ ...options(), controllerDecorators: [Public(), SkipWrap()] })],
        controllers: [OrderStatusController],
      });
    });
    afterAll(() => gateway?.app.close());

    it('answers a signed request with the signed envelope, the unknown field ignored despite the global ValidationPipe; a copy gets the same answer', async () => {
      const body = json({ ...signed({ orderNo: 'O-42' }), coupon: 'x' });
      const a = await post(body);
      expectEnvelope(a, 0);
      expect(a.json.data).toMatchObject({
        code: 0,
        orderNo: 'O-42',
        state: 'PAID',
        sawUnknown: false,
        resTime: Math.floor(NOW_MS / 1000),
      });
      expectSignedData(a.json.data);
      expect((await post(body)).text).toBe(a.text);
    });

    it('answers its errors with the envelope', async () => {
      expectEnvelope(
        await post(json({ ...signed({ orderNo: 'O-1' }), sign: 'b'.repeat(64) })),
        AssistErrorCode.BAD_SIGN,
      );
      expectEnvelope(await post(json(signed({}))), AssistErrorCode.INVALID_FIELD);
      expectEnvelope(await post(json(signed({ mchNo: 'NOPE', orderNo: 'O-1' }))), AssistErrorCode.UNKNOWN_MERCHANT);
      expectEnvelope(
        await post(json(signed({ orderNo: 'O-1' })), 'text/plain'),
        AssistErrorCode.UNSUPPORTED_MEDIA_TYPE,
      );
    });

    it("leaves a parse error on the gateway's path (before any route matches) to the gateway's filter", async () => {
      expect(await post('{"orderNo":')).toMatchObject({ status: 400, json: { hostError: true, status: 400 } });
    });
  });
});

it("documents the relay's routes in the gateway's OpenAPI with the tag it passed, at their unprefixed paths", async () => {
  const sim = await startSimulatorServer({ apps: [WECHAT_APP] });
  const app = await createGateway({
    adapter: 'express',
    filter: 'APP_FILTER',
    imports: [
      AssistModule.forRoot({
        merchants: [MERCHANT],
        wechat: { apiBase: sim.baseUrl, openBase: sim.baseUrl },
        controllerDecorators: [Public(), SkipWrap(), ApiTags('payments')],
      }),
    ],
  });
  try {
    await app.init();
    const doc = SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('gateway').build());
    expect(doc.paths['/unipay/assist/getWxAuthUrl']?.post?.tags).toEqual(['payments']);
    expect(doc.paths['/unipay/assist/getWxAccessToken']?.post?.tags).toEqual(['payments']);
    expect(doc.paths['/api/v1/orders']).toBeDefined();
    // The relay's routes: WeChat's two, Alipay's two, the mini program's and channel auth's three POSTs, each with
    // the host's tag; the hosted flow's browser GET routes (callback, jump) answer pages and stay out of the document.
    const relayPaths = Object.keys(doc.paths).filter((p) => p.includes('assist'));
    expect(relayPaths.sort()).toEqual(
      [
        'channel/auth/auth',
        'channel/auth/authAndSet',
        'channel/auth/generateAuthUrl',
        'getAlipayAuthUrl',
        'getAlipayUserId',
        'getWxAccessToken',
        'getWxAuthUrl',
        'getWxMiniOpenId',
      ].map((r) => `/unipay/assist/${r}`),
    );
    for (const path of relayPaths) expect(doc.paths[path]?.post?.tags).toEqual(['payments']);
  } finally {
    await app.close();
    await sim.close();
  }
});
