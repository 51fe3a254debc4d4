import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { ASSIST_ERROR_DESCRIPTIONS, AssistErrorCode } from '../../../wire/src/error-codes';
import { PrometheusAssistMetrics } from '../../src/metrics/prometheus-assist.metrics';
import {
  ASSIST_ROUTE_ERROR_CODES,
  CHANNEL_AUTH_ROUTE_ERROR_CODES,
  documentAssistRoutes,
} from '../../src/openapi/assist-openapi';
import { AssistModule } from '../../src/module/assist.module';
import { DEMO_MERCHANT } from '../../../../apps/demo/src/demo-merchant';
import {
  ADAPTERS,
  codeFrom,
  post,
  signedBody,
  startGateway,
  startSimulator,
  useDemoGateway,
} from '../../../../test/support/gateway';

const ASSIST_PATHS = ['getAlipayAuthUrl', 'getAlipayUserId', 'getWxAccessToken', 'getWxAuthUrl', 'getWxMiniOpenId'];
/** The channel-auth POST routes; the browser GET routes (callback, jump) answer pages and stay out of the document. */
const CHANNEL_AUTH_PATHS = ['channel/auth/auth', 'channel/auth/authAndSet', 'channel/auth/generateAuthUrl'];
const documentedPaths = (prefix: string) =>
  [...ASSIST_PATHS, ...CHANNEL_AUTH_PATHS].map((r) => `${prefix}/${r}`).sort();

const get = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
};

/** The value of one sample line of a Prometheus text exposition, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe.each(ADAPTERS)('operations endpoints of the demo over %s', (adapter) => {
  const demo = useDemoGateway(adapter);
  let simHost: string;

  beforeAll(() => {
    simHost = new URL(demo.sim.baseUrl).host;
  });

  it('serves /docs-json listing every route, their bodies, the envelope and their error codes', async () => {
    const res = await get(`${demo.gw.baseUrl}/docs-json`);
    expect(res.status).toBe(200);
    const doc = JSON.parse(res.text);
    expect(doc.openapi).toMatch(/^3\./);
    for (const route of [
      'getWxAccessToken',
      'getWxAuthUrl',
      'getAlipayAuthUrl',
      'getAlipayUserId',
      'getWxMiniOpenId',
    ] as const) {
      const op = doc.paths[`/unipay/assist/${route}`]?.post;
      expect(op).toBeDefined();
      expect(op.operationId).toBe(route);
      const codes = op['x-error-codes'].map((c: { code: number }) => c.code);
      expect(codes).toEqual([...ASSIST_ROUTE_ERROR_CODES[route]]);
      for (const c of op['x-error-codes'])
        expect(c.description).toBe(ASSIST_ERROR_DESCRIPTIONS[c.code as keyof typeof ASSIST_ERROR_DESCRIPTIONS]);
      expect(op.description).toContain(`| ${AssistErrorCode.REPLAYED} | ${ASSIST_ERROR_DESCRIPTIONS[10007]} |`);
      expect(op.responses['200'].content['application/json'].schema.$ref).toMatch(/EnvelopeSchema$/);
    }
    for (const route of ['generateAuthUrl', 'auth', 'authAndSet'] as const) {
      const op = doc.paths[`/unipay/assist/channel/auth/${route}`]?.post;
      expect(op).toBeDefined();
      expect(op.operationId).toBe(route);
      expect(op['x-error-codes'].map((c: { code: number }) => c.code)).toEqual([
        ...CHANNEL_AUTH_ROUTE_ERROR_CODES[route],
      ]);
      for (const c of op['x-error-codes'])
        expect(c.description).toBe(ASSIST_ERROR_DESCRIPTIONS[c.code as keyof typeof ASSIST_ERROR_DESCRIPTIONS]);
      expect(op.responses['200'].content['application/json'].schema.$ref).toMatch(/EnvelopeSchema$/);
    }
    expect(doc.paths['/unipay/assist/channel/auth/auth'].post['x-error-codes'].map((c: any) => c.code)).toContain(
      AssistErrorCode.QUERY_CODE_UNKNOWN,
    );
    // Only the relay's JSON routes: the demo page, ops routes and the hosted flow's browser pages are excluded.
    expect(Object.keys(doc.paths).sort()).toEqual(documentedPaths('/unipay/assist'));
    expect(doc.components.schemas.AlipayUserIdDataSchema.properties).not.toHaveProperty('accessToken');
    expect(doc.components.schemas.AlipayAuthUrlDto.properties.scope.enum).toEqual(['auth_base', 'auth_user']);
    expect(doc.paths['/unipay/assist/getWxAccessToken'].post['x-error-codes'].map((c: any) => c.code)).toContain(29305);
    expect(doc.paths['/unipay/assist/getWxAuthUrl'].post['x-error-codes'].map((c: any) => c.code)).toContain(29062);

    const schemas = doc.components.schemas;
    expect(schemas.WxAccessTokenDto.required).toEqual(expect.arrayContaining(['reqTime', 'code']));
    expect(schemas.WxAccessTokenDto.properties.code).toMatchObject({ type: 'string', maxLength: 64 });
    // Seconds (number or decimal string) or China datetime, from the DTO's IsReqTime rule.
    expect(schemas.WxAccessTokenDto.properties.reqTime.oneOf).toHaveLength(3);
    expect(schemas.WxAuthUrlDto.properties.url).toMatchObject({ type: 'string', format: 'uri', maxLength: 200 });
    expect(schemas.WxAuthUrlDto.properties.scope.enum).toEqual(['snsapi_base', 'snsapi_userinfo']);
    expect(schemas.WxAccessTokenEnvelopeSchema.properties.code.enum).toEqual(
      Object.keys(ASSIST_ERROR_DESCRIPTIONS).map(Number),
    );
    expect(schemas.WxAccessTokenDataSchema.properties).toHaveProperty('openId');
    // Channel-auth bodies from their DTOs' rules.
    expect(schemas.GenerateAuthUrlDto.required).toEqual(expect.arrayContaining(['channel', 'reqTime']));
    expect(schemas.GenerateAuthUrlDto.properties.authPath).toMatchObject({ type: 'string', maxLength: 200 });
    expect(schemas.AuthCodeDto.properties.queryCode).toMatchObject({ type: 'string', maxLength: 64 });
    expect(schemas.AuthCodeDto.properties.authCode).toMatchObject({ type: 'string', maxLength: 128 });
    expect(schemas.AuthCodeDto.properties.channel.enum).toEqual(expect.arrayContaining(['wechat_pay', 'ali_pay']));
    expect(schemas.AuthDataSchema.properties.status.enum).toEqual(['waiting', 'success', 'not_exist']);
    expect(JSON.stringify(doc)).not.toMatch(/refresh_token"\s*:|"refreshToken"/);
  });

  // Fastify serves the UI through @fastify/static, which jest cannot load on Node 20 (it require()s an
  // ES module); demo-process.e2e-spec.ts checks the UI on both adapters in a real Node process.
  (adapter === 'express' ? it : it.skip)('serves the Swagger UI at /docs', async () => {
    const res = await get(`${demo.gw.baseUrl}/docs`);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/text\/html/);
    expect(res.text).toContain('swagger-ui');
  });

  it('reports health with the WeChat breaker state per host', async () => {
    const before = await get(`${demo.gw.baseUrl}/health`);
    expect(before.status).toBe(200);
    expect(JSON.parse(before.text)).toMatchObject({
      status: 'ok',
      info: { unipayAssist: { status: 'up', redis: 'not configured', breakers: {} } },
    });
    const auth = await post(demo.gw.baseUrl, 'getWxAuthUrl', signedBody({ url: 'http://localhost:3000/pay' }));
    await post(demo.gw.baseUrl, 'getWxAccessToken', signedBody({ code: await codeFrom(auth.json.data.url) }));
    const after = JSON.parse((await get(`${demo.gw.baseUrl}/health`)).text);
    expect(after.info.unipayAssist).not.toHaveProperty('wechatBreaker');
    expect(after.info.unipayAssist.breakers).toEqual({ wechat: { [simHost]: 'closed' } });
  });

  it('counts requests by route and code, WeChat calls, errcodes, reuses and replays at /metrics', async () => {
    const auth = await post(demo.gw.baseUrl, 'getWxAuthUrl', signedBody({ url: 'http://localhost:3000/pay' }));
    const code = await codeFrom(auth.json.data.url);
    const first = signedBody({ code });
    expect((await post(demo.gw.baseUrl, 'getWxAccessToken', first)).json.data.code).toBe(0);
    expect((await post(demo.gw.baseUrl, 'getWxAccessToken', signedBody({ code }))).json.data.code).toBe(0); // a client retry: cached
    // A copy of the first signed body: its first answer, from the replay memory (replay: 'answer', the default).
    expect((await post(demo.gw.baseUrl, 'getWxAccessToken', first)).json.data.code).toBe(0);
    expect(
      (await post(demo.gw.baseUrl, 'getWxAccessToken', signedBody({ code: 'not-a-real-code' }))).json.data.code,
    ).toBe(1);

    const res = await get(`${demo.gw.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/plain/);
    const m = res.text;
    // Two flows so far in this app (the health test ran one): 2 + this one's.
    expect(sample(m, 'unipay_assist_requests_total{route="getWxAuthUrl",code="0",dialect="daxpay-2.0.6"}')).toBe(2);
    expect(sample(m, 'unipay_assist_requests_total{route="getWxAccessToken",code="0",dialect="daxpay-2.0.6"}')).toBe(5);
    expect(sample(m, 'unipay_assist_replay_answers_total{source="stored"}')).toBe(1);
    expect(sample(m, 'unipay_assist_exchange_reused_total{source="cache"}')).toBe(1);
    expect(sample(m, 'unipay_assist_upstream_call_duration_seconds_count{outcome="ok",channel="wechat"}')).toBe(2);
    expect(sample(m, 'unipay_assist_upstream_call_duration_seconds_count{outcome="errcode",channel="wechat"}')).toBe(1);
    expect(sample(m, 'unipay_assist_upstream_errcodes_total{errcode="40029",channel="wechat"}')).toBe(1);
    expect(sample(m, `unipay_assist_upstream_breaker_state{host="${simHost}"}`)).toBe(0);
    expect(m).not.toContain('process_cpu_user_seconds_total'); // process metrics: npm start only (demo-process test)
    // Labels stay bounded: no code, sign or secret ever becomes a label.
    expect(m).not.toContain(code);
    expect(m).not.toContain('123456');
  });

  it('counts errors answered before any route matches under the prefix', async () => {
    await post(demo.gw.baseUrl, 'getWxAuthUrl', '{"broken":');
    const m = (await get(`${demo.gw.baseUrl}/metrics`)).text;
    // A body the parser refused: no merchant, so no generation.
    expect(sample(m, 'unipay_assist_requests_total{route="getWxAuthUrl",code="10005",dialect="none"}')).toBe(1);
  });
});

// /health over a real Redis that goes down: test/integration/redis-outage.int-spec.ts.
describe('a host document and a host registry', () => {
  it("includes the module's routes, under the host's prefix, in the host's own OpenAPI document", async () => {
    @Module({ imports: [AssistModule.forRoot({ merchants: [DEMO_MERCHANT], routePrefix: 'pay/wx' })] })
    class HostModule {}
    const app = await NestFactory.create(HostModule, { logger: false });
    try {
      documentAssistRoutes();
      documentAssistRoutes(); // idempotent
      const doc = SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('host gateway').build());
      expect(Object.keys(doc.paths).sort()).toEqual(documentedPaths('/pay/wx'));
      expect((doc.paths['/pay/wx/getWxAuthUrl'].post as any)['x-error-codes'].map((c: any) => c.code)).toContain(29062);
      // Applying twice did not duplicate anything.
      expect((doc.components!.schemas!.WxAccessTokenDto as { required?: string[] }).required).toEqual([
        'code',
        'reqTime',
      ]);
    } finally {
      await app.close();
    }
  });

  it("puts the relay's metrics in the registry the host passes", async () => {
    const registry = new Registry();
    const sim = await startSimulator();
    const gw = await startGateway({
      adapter: 'express',
      wechatBase: sim.baseUrl,
      override: { metrics: new PrometheusAssistMetrics({ registry, prefix: 'hostpay_' }) },
    });
    try {
      await post(gw.baseUrl, 'getWxAuthUrl', signedBody({ url: 'http://localhost:3000/pay' }));
      const text = await registry.metrics();
      expect(sample(text, 'hostpay_requests_total{route="getWxAuthUrl",code="0",dialect="daxpay-2.0.6"}')).toBe(1);
    } finally {
      await gw.close();
      await sim.close();
    }
  });
});
