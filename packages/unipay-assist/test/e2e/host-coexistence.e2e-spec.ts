import { Controller, HttpCode, Module, Post, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { IsString, MaxLength } from 'class-validator';
import { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import {
  AssistBody,
  AssistClock,
  AssistErrorCode,
  AssistModule,
  AssistModuleOptions,
  AssistRequestDto,
  assistConfig,
  EnvelopeExceptionFilter,
  EnvelopeInterceptor,
  SignatureGuard,
  SignedRoute,
  sign,
  withSign,
} from '../../src';
import type { HttpAdapterName } from '../../../../apps/demo/src/create-demo-app';
import { RunningSimulator } from '../../../simulator/src/simulator.server';
import {
  ADAPTERS,
  Answer,
  codeFrom,
  DEMO_MERCHANT,
  DEMO_SECRET,
  DEMO_WECHAT_APP,
  request,
  startSimulator,
} from '../../../../test/support/gateway';
import {
  HOST_CASES,
  HostCase,
  HostFilterMode,
  Public,
  RunningHost,
  SkipWrap,
  startHostGateway,
} from '../../../../test/support/host-gateway';

/*
 * AssistModule in a gateway with every usual piece of global machinery (see
 * test/support/host-gateway.ts). Each situation is compared against a
 * reference: the host's routes against the same host without the module, the
 * relay's routes against the module alone in a bare app, answer for answer
 * (traceId aside; the clock is pinned so resTime and the answer's sign agree).
 */

const FILTER_MODES: HostFilterMode[] = ['APP_FILTER', 'useGlobalFilters'];
const SIGN_TYPE = 'HMAC_SHA256';

// One instant for every app in the file: the same signed request gets the same signed answer everywhere.
const NOW_MS = Date.now();
const clock: AssistClock = { nowMs: () => NOW_MS };

const signedAt = (fields: Record<string, unknown>, secret = DEMO_SECRET): Record<string, unknown> =>
  withSign(
    { reqTime: Math.floor(NOW_MS / 1000), nonceStr: randomBytes(8).toString('hex'), ...fields },
    SIGN_TYPE,
    secret,
  );

const json = (body: unknown): string => JSON.stringify(body);

async function send(base: string, c: HostCase): Promise<Answer> {
  return request(base, c.method, c.path, c.body, c.contentType ? { 'content-type': c.contentType } : {});
}

/** What a comparison looks at: status, content type and body, the per-request traceId left out. */
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
  // Never the host's error format, never the host's wrapper.
  expect(a.json).not.toHaveProperty('hostError');
  expect(a.json).not.toHaveProperty('success');
}

function expectSignedData(data: Record<string, string | number | boolean | null>, secret = DEMO_SECRET): void {
  const { sign: received, ...unsigned } = data;
  expect(received).toBe(sign(unsigned, SIGN_TYPE, secret));
}

const assistOptions = (sim: RunningSimulator): AssistModuleOptions => ({
  merchants: [DEMO_MERCHANT],
  wechat: { apiBase: sim.baseUrl, openBase: sim.baseUrl },
  clock,
});

/** The module alone in an app with nothing of the host's: the reference for the wire. */
async function startBareRelay(adapter: HttpAdapterName, options: AssistModuleOptions): Promise<RunningHost> {
  @Module({ imports: [AssistModule.forRoot(options)] })
  class BareModule {}
  const app = await NestFactory.create(
    BareModule,
    adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(),
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  return {
    app,
    baseUrl: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`,
    close: () => app.close(),
  };
}

/** A DaxPay-wire route of the host's own, behind the module's guard, interceptor and filter. */
class OrderStatusDto extends AssistRequestDto {
  @IsString({ message: 'orderNo must be a string' })
  @MaxLength(32)
  orderNo!: string;
}

@Public()
@SkipWrap()
@UseGuards(SignatureGuard)
@UseInterceptors(EnvelopeInterceptor)
@UseFilters(EnvelopeExceptionFilter)
@Controller('payments')
class HostSignedController {
  @Post('order-status')
  @HttpCode(200)
  @SignedRoute('orderStatus', OrderStatusDto)
  status(@AssistBody() dto: OrderStatusDto): { code: number; orderNo: string; state: string; sawUnknown: boolean } {
    return { code: 0, orderNo: dto.orderNo, state: 'PAID', sawUnknown: 'coupon' in dto };
  }
}

/** The relay's requests, each with the code the DaxPay wire gives it. */
const relayCases = (): {
  name: string;
  path: string;
  method?: string;
  body?: string;
  contentType?: string;
  code: number;
}[] => [
  {
    name: 'signed getWxAuthUrl with one unknown field',
    path: '/unipay/assist/getWxAuthUrl',
    body: json({ ...signedAt({ url: 'http://localhost:3000/pay', state: 's1' }), unknownField: 'ignored' }),
    code: AssistErrorCode.SUCCESS,
  },
  { name: 'bad JSON', path: '/unipay/assist/getWxAccessToken', body: '{"code":', code: AssistErrorCode.BAD_JSON },
  { name: 'empty body', path: '/unipay/assist/getWxAccessToken', body: '', code: AssistErrorCode.BAD_JSON },
  {
    name: 'wrong content type',
    path: '/unipay/assist/getWxAuthUrl',
    body: json(signedAt({ url: 'http://localhost:3000/pay' })),
    contentType: 'text/plain',
    code: AssistErrorCode.UNSUPPORTED_MEDIA_TYPE,
  },
  {
    name: 'unknown route under the prefix',
    path: '/unipay/assist/getWxPayerInfo',
    body: '{}',
    code: AssistErrorCode.ROUTE_NOT_FOUND,
  },
  {
    name: 'GET on a POST route',
    path: '/unipay/assist/getWxAuthUrl',
    method: 'GET',
    code: AssistErrorCode.ROUTE_NOT_FOUND,
  },
  {
    name: 'bad sign',
    path: '/unipay/assist/getWxAuthUrl',
    body: json({ ...signedAt({ url: 'http://localhost:3000/pay' }), sign: 'a'.repeat(64) }),
    code: AssistErrorCode.BAD_SIGN,
  },
  {
    name: 'invalid field (scope), correctly signed',
    path: '/unipay/assist/getWxAuthUrl',
    body: json(signedAt({ url: 'http://localhost:3000/pay', scope: 'snsapi_login' })),
    code: AssistErrorCode.INVALID_FIELD,
  },
  {
    name: 'missing field (code), correctly signed',
    path: '/unipay/assist/getWxAccessToken',
    body: json(signedAt({})),
    code: AssistErrorCode.INVALID_FIELD,
  },
  {
    name: 'body over the limit',
    path: '/unipay/assist/getWxAccessToken',
    body: json({ code: 'x'.repeat(2 * 1024 * 1024) }),
    code: AssistErrorCode.BODY_TOO_LARGE,
  },
];

describe.each(ADAPTERS)('AssistModule in a gateway over %s', (adapter) => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(() => sim?.close());

  describe.each(FILTER_MODES)('host catch-all filter through %s', (filter) => {
    let without: RunningHost;
    let host: RunningHost;
    let bare: RunningHost;
    beforeAll(async () => {
      without = await startHostGateway({ adapter, filter });
      host = await startHostGateway({
        adapter,
        filter,
        imports: [AssistModule.forRoot({ ...assistOptions(sim), controllerDecorators: [Public(), SkipWrap()] })],
      });
      bare = await startBareRelay(adapter, assistOptions(sim));
    });
    afterAll(async () => {
      await without?.close();
      await host?.close();
      await bare?.close();
    });

    describe("the host's routes answer exactly as without the module", () => {
      it.each(HOST_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
        const expected = await send(without.baseUrl, c);
        const actual = await send(host.baseUrl, c);
        expect(comparable(actual)).toEqual(comparable(expected));
        // And that answer is the host's own: its format, never the relay's envelope.
        expect(actual.json).not.toHaveProperty('traceId');
        expect(actual.json).not.toHaveProperty('code');
      });

      it('in the formats the host defines: its wrapper, its ValidationPipe, its filter, its auth, its prefix and version', async () => {
        const byName = (name: string) =>
          send(
            host.baseUrl,
            HOST_CASES.find((c) => c.name === name)!,
          );
        expect(comparable(await byName('DTO-validated POST'))).toMatchObject({
          status: 201,
          body: { success: true, data: { item: 'tea', qty: 2, isDto: true } },
        });
        expect((await byName('GET with a transformed param')).json).toEqual({
          success: true,
          data: { id: 7, type: 'number' },
        });
        expect(await byName('unknown field refused by the ValidationPipe')).toMatchObject({
          status: 400,
          json: { hostError: true, status: 400, message: ['property coupon should not exist'] },
        });
        expect(await byName('invalid field refused by the ValidationPipe')).toMatchObject({
          status: 400,
          json: { hostError: true, status: 400, message: ['qty must not be less than 1'] },
        });
        const badJson = await byName('bad JSON');
        expect(badJson.status).toBe(400);
        expect(badJson.json).toMatchObject({ hostError: true, status: 400, message: expect.any(String) });
        expect(await byName('a route that throws')).toMatchObject({
          status: 409,
          json: { hostError: true, status: 409, message: 'order is locked' },
        });
        expect(await byName('no @Public(): 401')).toMatchObject({
          status: 401,
          json: { hostError: true, status: 401, message: 'host login required' },
        });
        expect((await byName('@SkipWrap(): unwrapped')).json).toEqual({ up: true });
        for (const name of ['unknown host route', 'no version segment', 'no global prefix']) {
          expect(await byName(name)).toMatchObject({ status: 404, json: { hostError: true, status: 404 } });
        }
      });

      it("the relay's paths are the host's 404 when the module is not mounted", async () => {
        const a = await request(without.baseUrl, 'POST', '/unipay/assist/getWxAuthUrl', '{', {
          'content-type': 'application/json',
        });
        expect(a.status).toBe(400);
        expect(a.json).toMatchObject({ hostError: true });
        const b = await request(without.baseUrl, 'POST', '/unipay/assist/getWxAuthUrl', '{}', {
          'content-type': 'application/json',
        });
        expect(b).toMatchObject({ status: 404, json: { hostError: true, status: 404 } });
      });
    });

    describe("the relay's routes answer the DaxPay wire unchanged", () => {
      it.each(relayCases().map((c) => [c.name, c] as const))('%s', async (_name, c) => {
        const headers: Record<string, string> =
          c.body === undefined ? {} : { 'content-type': c.contentType ?? 'application/json' };
        const reference = await request(bare.baseUrl, c.method ?? 'POST', c.path, c.body, headers);
        const actual = await request(host.baseUrl, c.method ?? 'POST', c.path, c.body, headers);
        expectEnvelope(reference, c.code);
        expectEnvelope(actual, c.code);
        expect(comparable(actual)).toEqual(comparable(reference));
        if (c.code === AssistErrorCode.SUCCESS) expectSignedData(actual.json.data);
      });

      it('runs the full flow against the simulator: auth URL, consent, code exchange, signed answer, a copy answered from the replay memory', async () => {
        const auth = await request(
          host.baseUrl,
          'POST',
          '/unipay/assist/getWxAuthUrl',
          json(signedAt({ url: 'http://localhost:3000/pay', state: 'o42' })),
          {
            'content-type': 'application/json',
          },
        );
        expectEnvelope(auth, 0);
        expectSignedData(auth.json.data);
        expect(
          auth.json.data.url.startsWith(`${sim.baseUrl}/connect/oauth2/authorize?appid=${DEMO_WECHAT_APP.appId}&`),
        ).toBe(true);
        const code = await codeFrom(auth.json.data.url);

        const body = json({ ...signedAt({ code }), extra: 1 });
        const token = await request(host.baseUrl, 'POST', '/unipay/assist/getWxAccessToken', body, {
          'content-type': 'application/json',
        });
        expectEnvelope(token, 0);
        expect(token.json.data).toMatchObject({
          code: 0,
          openId: expect.stringMatching(/^o/),
          accessToken: expect.any(String),
        });
        expect(token.text).not.toMatch(/refresh/i);
        expectSignedData(token.json.data);

        const replay = await request(host.baseUrl, 'POST', '/unipay/assist/getWxAccessToken', body, {
          'content-type': 'application/json',
        });
        expect(replay.text).toBe(token.text);
      });
    });
  });

  describe('global prefix without the exclude: the relay moves under /api, still version-neutral', () => {
    let host: RunningHost;
    const headers = { 'content-type': 'application/json' };
    beforeAll(async () => {
      host = await startHostGateway({
        adapter,
        filter: 'APP_FILTER',
        excludeRelayFromPrefix: false,
        imports: [AssistModule.forRoot({ ...assistOptions(sim), controllerDecorators: [Public(), SkipWrap()] })],
      });
    });
    afterAll(() => host?.close());

    it('serves /api/unipay/assist/* (no /v1) with the envelope, pre-route errors included', async () => {
      const ok = await request(
        host.baseUrl,
        'POST',
        '/api/unipay/assist/getWxAuthUrl',
        json(signedAt({ url: 'http://localhost:3000/pay' })),
        headers,
      );
      expectEnvelope(ok, 0);
      expectSignedData(ok.json.data);
      expectEnvelope(
        await request(host.baseUrl, 'POST', '/api/unipay/assist/getWxAccessToken', '{"code":', headers),
        AssistErrorCode.BAD_JSON,
      );
      expectEnvelope(
        await request(host.baseUrl, 'POST', '/api/unipay/assist/nope', '{}', headers),
        AssistErrorCode.ROUTE_NOT_FOUND,
      );
      const versioned = await request(
        host.baseUrl,
        'POST',
        '/api/v1/unipay/assist/getWxAuthUrl',
        json(signedAt({ url: 'http://localhost:3000/pay' })),
        headers,
      );
      expect(versioned).toMatchObject({ status: 404, json: { hostError: true, status: 404 } });
    });

    it("leaves the host's routes as they were", async () => {
      expect((await request(host.baseUrl, 'GET', '/api/v1/orders/7')).json).toEqual({
        success: true,
        data: { id: 7, type: 'number' },
      });
      expect(await request(host.baseUrl, 'POST', '/api/v1/orders', '{"item":', headers)).toMatchObject({
        status: 400,
        json: { hostError: true },
      });
    });
  });

  describe('AssistModule.forRootAsync(assistConfig.asProvider())', () => {
    const saved = { ...process.env };
    let plain: RunningHost;
    let host: RunningHost;
    beforeAll(async () => {
      Object.assign(process.env, {
        ASSIST_MCH_NO: 'ENV0001',
        ASSIST_WX_APP_ID: DEMO_WECHAT_APP.appId,
        ASSIST_WX_APP_SECRET: DEMO_WECHAT_APP.appSecret,
        ASSIST_SIGN_SECRET: 'env-sign-secret',
        ASSIST_SIGN_TYPE: SIGN_TYPE,
        ASSIST_REDIRECT_HOSTS: 'localhost:*',
        WECHAT_API_BASE: sim.baseUrl,
        WECHAT_OPEN_BASE: sim.baseUrl,
      });
      @Module({ imports: [AssistModule.forRootAsync(assistConfig.asProvider())] })
      class PlainModule {}
      const app = await NestFactory.create(
        PlainModule,
        adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(),
        { logger: false },
      );
      await app.listen(0, '127.0.0.1');
      plain = {
        app,
        baseUrl: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`,
        close: () => app.close(),
      };
      host = await startHostGateway({
        adapter,
        filter: 'APP_FILTER',
        imports: [
          AssistModule.forRootAsync({ ...assistConfig.asProvider(), controllerDecorators: [Public(), SkipWrap()] }),
        ],
      });
    });
    afterAll(async () => {
      await plain?.close();
      await host?.close();
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    });

    it.each([
      ['alone', () => plain],
      ['in the gateway, with controllerDecorators spread in', () => host],
    ])('%s: the flow runs for the merchant from the environment', async (_name, app) => {
      const fresh = (fields: Record<string, unknown>) =>
        json(
          withSign(
            {
              mchNo: 'ENV0001',
              reqTime: Math.floor(Date.now() / 1000),
              nonceStr: randomBytes(8).toString('hex'),
              ...fields,
            },
            SIGN_TYPE,
            'env-sign-secret',
          ),
        );
      const headers = { 'content-type': 'application/json' };
      const auth = await request(
        app().baseUrl,
        'POST',
        '/unipay/assist/getWxAuthUrl',
        fresh({ url: 'http://localhost:3000/cb' }),
        headers,
      );
      expectEnvelope(auth, 0);
      const token = await request(
        app().baseUrl,
        'POST',
        '/unipay/assist/getWxAccessToken',
        fresh({ code: await codeFrom(auth.json.data.url) }),
        headers,
      );
      expectEnvelope(token, 0);
      expectSignedData(token.json.data, 'env-sign-secret');
      // Only the environment's merchant is configured.
      const other = await request(
        app().baseUrl,
        'POST',
        '/unipay/assist/getWxAuthUrl',
        json(signedAt({ mchNo: 'M1000000001', url: 'http://localhost/' })),
        headers,
      );
      expectEnvelope(other, AssistErrorCode.UNKNOWN_MERCHANT);
    });
  });

  describe('a host route of its own behind SignatureGuard, EnvelopeInterceptor and EnvelopeExceptionFilter', () => {
    let host: RunningHost;
    const path = '/api/v1/payments/order-status';
    const headers = { 'content-type': 'application/json' };
    beforeAll(async () => {
      host = await startHostGateway({
        adapter,
        filter: 'APP_FILTER',
        imports: [AssistModule.forRoot({ ...assistOptions(sim), controllerDecorators: [Public(), SkipWrap()] })],
        controllers: [HostSignedController],
      });
    });
    afterAll(() => host?.close());

    it('answers a signed request with a signed envelope; unknown fields are ignored and not signed, despite the host ValidationPipe', async () => {
      const body = json({ ...signedAt({ orderNo: 'O-42' }), coupon: 'x' });
      const a = await request(host.baseUrl, 'POST', path, body, headers);
      expectEnvelope(a, 0);
      expect(a.json.data).toMatchObject({
        code: 0,
        orderNo: 'O-42',
        state: 'PAID',
        sawUnknown: false,
        resTime: Math.floor(NOW_MS / 1000),
      });
      expectSignedData(a.json.data);
      // A copy gets the first answer (replay: 'answer', the default); the handler does not run again.
      expect((await request(host.baseUrl, 'POST', path, body, headers)).text).toBe(a.text);
    });

    it('answers its errors with the envelope: bad sign 20052, invalid field 10006, unknown merchant 20023, wrong content type 29008', async () => {
      expectEnvelope(
        await request(
          host.baseUrl,
          'POST',
          path,
          json({ ...signedAt({ orderNo: 'O-1' }), sign: 'b'.repeat(64) }),
          headers,
        ),
        AssistErrorCode.BAD_SIGN,
      );
      const missing = await request(host.baseUrl, 'POST', path, json(signedAt({})), headers);
      expectEnvelope(missing, AssistErrorCode.INVALID_FIELD);
      expect(missing.json.msg).toMatch(/^orderNo/);
      expectEnvelope(
        await request(host.baseUrl, 'POST', path, json(signedAt({ mchNo: 'NOPE', orderNo: 'O-1' })), headers),
        AssistErrorCode.UNKNOWN_MERCHANT,
      );
      expectEnvelope(
        await request(host.baseUrl, 'POST', path, json(signedAt({ orderNo: 'O-1' })), { 'content-type': 'text/plain' }),
        AssistErrorCode.UNSUPPORTED_MEDIA_TYPE,
      );
    });

    it("leaves errors raised before a route matches on the host's path to the host's filter", async () => {
      // The module answers pre-route errors under its own prefix only; this path is the host's.
      const a = await request(host.baseUrl, 'POST', path, '{"orderNo":', headers);
      expect(a).toMatchObject({ status: 400, json: { hostError: true, status: 400 } });
    });

    it("leaves the host's other routes as they were", async () => {
      expect((await request(host.baseUrl, 'GET', '/api/v1/orders/7')).json).toEqual({
        success: true,
        data: { id: 7, type: 'number' },
      });
      expect(await request(host.baseUrl, 'GET', '/api/v1/account')).toMatchObject({
        status: 401,
        json: { hostError: true },
      });
    });
  });
});
