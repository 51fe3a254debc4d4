import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
// The test imports only the NestJS-free packages; the gateways run as their own processes (gateway-process.ts).
import { sign, UnipayAssistClient, withSign } from '@unipay-assist/client';
import { RunningSimulator, startSimulatorServer } from '@unipay-assist/simulator';
import { AssistErrorCode } from '@unipay-assist/wire';
import {
  AdapterName,
  FilterMode,
  MCH_NO,
  REDIRECT_HOST,
  RelayMode,
  SIGN_SECRET,
  WECHAT_APP,
} from '../src/gateway-settings.js';
import { GatewayProcess, startGatewayProcess } from './gateway-process.js';

/*
 * The packed unipay-assist in a NestJS 12 ESM gateway with every usual piece
 * of global machinery (src/host-kit.ts, src/app.ts: a catch-all filter, a
 * whitelisting ValidationPipe, an auth guard, a response wrapper, URI
 * versioning and a global prefix that excludes the relay's routes and the
 * gateway's POST /health), on Express and on Fastify. Each answer is compared
 * with a reference: the gateway's routes with the same gateway without the
 * module, the relay's routes with the module alone in a bare app (traceId,
 * resTime and the answer's sign aside: each process has its own clock; both
 * signs are verified).
 */

const ADAPTERS: AdapterName[] = ['express', 'fastify'];
const FILTERS: FilterMode[] = ['APP_FILTER', 'useGlobalFilters'];
const JSON_TYPE = 'application/json';
/** Five NestJS processes start side by side on a machine other jobs share. */
const START_TIMEOUT_MS = 180_000;

type Scalar = string | number | boolean | null;
type SignedFields = Record<string, Scalar>;

const signed = (fields: Record<string, Scalar>, secret = SIGN_SECRET): SignedFields =>
  withSign(
    { reqTime: Math.floor(Date.now() / 1000), nonceStr: randomBytes(8).toString('hex'), ...fields },
    'HMAC_SHA256',
    secret,
  ) as SignedFields;
const json = (v: unknown): string => JSON.stringify(v);

interface Answer {
  status: number;
  contentType: string;
  text: string;
  /** The parsed body, or undefined when it is not JSON (an HTML error page). */
  json: Record<string, unknown> | undefined;
}

interface Envelope {
  code: number;
  msg: string;
  data: SignedFields | null;
  traceId: string;
}

async function call(base: string, method: string, path: string, body?: string, contentType?: string): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    body,
    headers: contentType ? { 'content-type': contentType } : {},
  });
  const text = await res.text();
  let parsed: Record<string, unknown> | undefined;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, json: parsed };
}

/** Status, content type and body, without what differs per process: traceId, and a signed answer's resTime and sign. */
function comparable(a: Answer): { status: number; contentType: string; body: unknown } {
  if (a.json === undefined) return { status: a.status, contentType: a.contentType, body: a.text };
  const { traceId: _traceId, ...body } = a.json;
  if (typeof body.data === 'object' && body.data !== null) {
    const { resTime: _resTime, sign: _sign, ...data } = body.data as SignedFields;
    body.data = data;
  }
  return { status: a.status, contentType: a.contentType, body };
}

/** The relay's envelope, exactly: HTTP 200, JSON, four keys, nothing of the gateway's formats. */
function expectEnvelope(a: Answer, code: number): Envelope {
  expect(a.status).toBe(200);
  expect(a.contentType).toMatch(/^application\/json/);
  expect(Object.keys(a.json ?? {}).sort()).toEqual(['code', 'data', 'msg', 'traceId']);
  const envelope = a.json as unknown as Envelope;
  expect(envelope.code).toBe(code);
  if (code !== AssistErrorCode.SUCCESS) expect(envelope.data).toBeNull();
  return envelope;
}

function expectSignedData(data: SignedFields | null): SignedFields {
  expect(data).not.toBeNull();
  const { sign: received, ...unsigned } = data ?? {};
  expect(received).toBe(sign(unsigned, 'HMAC_SHA256', SIGN_SECRET));
  return data ?? {};
}

/** The simulator's consent page sends the payer back to the merchant's page with code and state. */
async function consent(authorizeUrl: string): Promise<URL> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`simulator answered ${res.status}`);
  return new URL(location);
}

interface Case {
  name: string;
  method: string;
  path: string;
  body?: string;
  contentType?: string;
}

const send = (base: string, c: Case): Promise<Answer> => {
  const contentType = c.contentType ?? (c.body === undefined ? undefined : JSON_TYPE);
  return call(base, c.method, c.path, c.body, contentType);
};

const hostError = (status: number, message: unknown) => ({
  status,
  contentType: expect.stringMatching(/^application\/json/),
  body: { hostError: true, status, message },
});

/** The gateway's own routes, each with the answer it gives in its own formats. */
const HOST_CASES: (Case & { expected: (adapter: AdapterName) => object })[] = [
  {
    name: 'DTO-validated POST, wrapped',
    method: 'POST',
    path: '/api/v1/orders',
    body: '{"item":"tea","qty":2}',
    expected: () => ({ status: 201, body: { success: true, data: { item: 'tea', qty: 2, isDto: true } } }),
  },
  {
    name: 'an unknown field, refused by the whitelisting ValidationPipe',
    method: 'POST',
    path: '/api/v1/orders',
    body: '{"item":"tea","qty":2,"coupon":"x"}',
    expected: () => hostError(400, ['property coupon should not exist']),
  },
  {
    name: 'an invalid field',
    method: 'POST',
    path: '/api/v1/orders',
    body: '{"item":"tea","qty":0}',
    expected: () => hostError(400, ['qty must not be less than 1']),
  },
  {
    name: 'bad JSON',
    method: 'POST',
    path: '/api/v1/orders',
    body: '{"item":',
    expected: () => hostError(400, expect.any(String)),
  },
  {
    name: 'GET with a transformed param',
    method: 'GET',
    path: '/api/v1/orders/7',
    expected: () => ({ status: 200, body: { success: true, data: { id: 7, type: 'number' } } }),
  },
  {
    name: 'no @Public(): the auth guard refuses',
    method: 'GET',
    path: '/api/v1/account',
    expected: () => hostError(401, 'login required'),
  },
  { name: '@SkipWrap()', method: 'GET', path: '/api/v1/status', expected: () => ({ status: 200, body: { up: true } }) },
  {
    name: 'an unknown route under the prefix',
    method: 'GET',
    path: '/api/v1/nothing-here',
    expected: () => hostError(404, 'Cannot GET /api/v1/nothing-here'),
  },
  {
    name: 'POST /health, excluded from the prefix',
    method: 'POST',
    path: '/health',
    expected: () => ({ status: 200, body: { success: true, data: { healthy: true } } }),
  },
  {
    name: "GET /health, a method miss at the gateway's excluded route: its filter's JSON 404",
    method: 'GET',
    path: '/health',
    expected: () => hostError(404, 'Cannot GET /health'),
  },
  // NestJS 12 on Express mounts its not-found handler under the prefix and on the excluded paths only, so Express
  // answers this one with its own HTML page, module or not; Fastify's not-found handler is the app's, everywhere.
  {
    name: 'a path outside the prefix, excluded nowhere',
    method: 'GET',
    path: '/orders/7',
    expected: () => ({ status: 404 }),
  },
];

const relayCases = (): (Case & { code: number })[] => [
  {
    name: 'signed getWxAuthUrl with one unknown field',
    method: 'POST',
    path: '/unipay/assist/getWxAuthUrl',
    body: json({ ...signed({ url: `https://${REDIRECT_HOST}/pay`, state: 's1' }), unknownField: 'ignored' }),
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
    name: 'wrong content type',
    method: 'POST',
    path: '/unipay/assist/getWxAuthUrl',
    body: json(signed({ url: `https://${REDIRECT_HOST}/pay` })),
    contentType: 'text/plain',
    code: AssistErrorCode.UNSUPPORTED_MEDIA_TYPE,
  },
  // The two the prefix exclusion broke on NestJS 12 Express (HTML "Cannot GET" instead of the envelope).
  {
    name: 'GET on a POST route (excluded from the prefix)',
    method: 'GET',
    path: '/unipay/assist/getWxAuthUrl',
    code: AssistErrorCode.ROUTE_NOT_FOUND,
  },
  {
    name: 'an unknown route (excluded from the prefix)',
    method: 'POST',
    path: '/unipay/assist/nope',
    body: '{}',
    code: AssistErrorCode.ROUTE_NOT_FOUND,
  },
  {
    name: 'bad sign',
    method: 'POST',
    path: '/unipay/assist/getWxAuthUrl',
    body: json({ ...signed({ url: `https://${REDIRECT_HOST}/pay` }), sign: 'a'.repeat(64) }),
    code: AssistErrorCode.BAD_SIGN,
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
    // Just over the adapters' 1 MiB default: the whole body is on the socket before the server refuses it
    // (Fastify 5 closes the connection on a 413; with 2 MiB a busy machine's client was still writing: EPIPE).
    body: json({ code: 'x'.repeat(1024 * 1024 + 1024) }),
    code: AssistErrorCode.BODY_TOO_LARGE,
  },
];

const hostRequire = createRequire(import.meta.url);
const versionOf = (pkg: string): string => (hostRequire(`${pkg}/package.json`) as { version: string }).version;

describe.each(ADAPTERS)('NestJS 12 ESM gateway on %s', (adapter) => {
  let sim: RunningSimulator;
  let bare: GatewayProcess;
  const without: Partial<Record<FilterMode, GatewayProcess>> = {};
  const gateway: Partial<Record<FilterMode, GatewayProcess>> = {};
  const all = (): GatewayProcess[] =>
    [bare, ...Object.values(without), ...Object.values(gateway)].filter((p) => p !== undefined);

  const start = (relay: RelayMode, filter: FilterMode) =>
    startGatewayProcess({
      GATEWAY_ADAPTER: adapter,
      GATEWAY_FILTER: filter,
      GATEWAY_RELAY: relay,
      WECHAT_BASE: sim.baseUrl,
    });

  beforeAll(async () => {
    sim = await startSimulatorServer({ apps: [WECHAT_APP] });
    const started = await Promise.allSettled([
      start('bare', 'APP_FILTER').then((p) => (bare = p)),
      ...FILTERS.map((filter) => start('none', filter).then((p) => (without[filter] = p))),
      ...FILTERS.map((filter) => start('mounted', filter).then((p) => (gateway[filter] = p))),
    ]);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await Promise.all(all().map((p) => p.stop()));
    await sim?.close();
  });

  it(`loads the ESM build of the packed module under NestJS 12 on ${adapter}, with no alipay-sdk installed`, () => {
    for (const p of all()) {
      expect(fileURLToPath(p.ready.assist)).toMatch(/node_modules[\\/]unipay-assist[\\/]dist[\\/]esm[\\/]index\.js$/);
      expect(p.ready.adapter).toBe(adapter);
    }
    for (const pkg of ['@nestjs/core', '@nestjs/common', `@nestjs/platform-${adapter}`])
      expect(versionOf(pkg)).toMatch(/^12\./);
    expect(hostRequire('@nestjs/core/package.json')).toMatchObject({ type: 'module' });
    // A WeChat-only gateway: Alipay's SDK is an optional peer it never installs.
    expect(() => hostRequire.resolve('alipay-sdk')).toThrow();
  });

  describe.each(FILTERS)('its catch-all filter through %s', (filter) => {
    const mounted = (): GatewayProcess => gateway[filter]!;

    describe("the gateway's routes answer exactly as without the module", () => {
      it.each(HOST_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
        const expected = await send(without[filter]!.base, c);
        const actual = await send(mounted().base, c);
        expect(comparable(actual)).toEqual(comparable(expected));
        expect(comparable(actual)).toMatchObject(c.expected(adapter));
        expect(actual.json ?? {}).not.toHaveProperty('traceId');
        expect(actual.json ?? {}).not.toHaveProperty('code');
      });
    });

    describe("the relay's routes answer the DaxPay wire unchanged", () => {
      it.each(relayCases().map((c) => [c.name, c] as const))('%s', async (_name, c) => {
        const reference = await send(bare.base, c);
        const actual = await send(mounted().base, c);
        const expected = expectEnvelope(reference, c.code);
        const envelope = expectEnvelope(actual, c.code);
        expect(comparable(actual)).toEqual(comparable(reference));
        if (c.code === AssistErrorCode.SUCCESS) {
          // Each process signs its own resTime: both signs verify.
          expectSignedData(expected.data);
          expect(expectSignedData(envelope.data)).not.toHaveProperty('unknownField');
        }
      });
    });

    it("runs the WeChat flow with the merchant's client: signed getWxAuthUrl, consent at the simulator, signed getWxAccessToken; a copy answered from the replay memory", async () => {
      // The client verifies each answer's sign before returning it; the raw answers are kept to check the wire.
      const raw: string[] = [];
      const keepRaw: typeof fetch = async (input, init) => {
        const res = await fetch(input, init);
        const text = await res.text();
        raw.push(text);
        return new Response(text, { status: res.status, headers: res.headers });
      };
      const client = new UnipayAssistClient({
        baseUrl: mounted().base,
        mchNo: MCH_NO,
        signType: 'HMAC_SHA256',
        signSecret: SIGN_SECRET,
        fetch: keepRaw,
      });

      const auth = await client.getWxAuthUrl({ url: `https://${REDIRECT_HOST}/pay?order=42`, state: 'o42' });
      expect(auth.url.startsWith(`${sim.baseUrl}/connect/oauth2/authorize?appid=${WECHAT_APP.appId}&`)).toBe(true);
      const back = await consent(auth.url);
      expect(back.host).toBe(REDIRECT_HOST);
      expect(back.searchParams.get('state')).toBe('o42');
      const code = back.searchParams.get('code') ?? '';
      expect(code).not.toBe('');

      let sent: Readonly<Record<string, unknown>> = {};
      const token = await client.getWxAccessToken({ code }, { onRequest: (_route, body) => (sent = body) });
      expect(token).toMatchObject({ openId: expect.stringMatching(/^o/), accessToken: expect.any(String) });
      const answer = raw.at(-1) ?? '';
      const envelope = expectEnvelope(
        { status: 200, contentType: JSON_TYPE, text: answer, json: JSON.parse(answer) as Record<string, unknown> },
        0,
      );
      expect(envelope.data).toMatchObject({ code: 0, openId: token.openId });
      expect(answer).not.toMatch(/refresh/i);

      // The same signed body again (a merchant's retry): the first answer, byte for byte (replay: 'answer', the default).
      const copy = await call(mounted().base, 'POST', '/unipay/assist/getWxAccessToken', json(sent), JSON_TYPE);
      expect(copy.text).toBe(answer);
    });
  });

  describe("a signed route of the gateway's own (SignatureGuard, EnvelopeInterceptor, EnvelopeExceptionFilter), under its prefix and version", () => {
    const path = '/api/v1/payments/order-status';
    const post = (body: string, contentType = JSON_TYPE) =>
      call(gateway.APP_FILTER!.base, 'POST', path, body, contentType);

    it('answers a signed request with the signed envelope, the unknown field ignored despite the global ValidationPipe; a copy gets the same answer', async () => {
      const body = json({ ...signed({ orderNo: 'O-42' }), coupon: 'x' });
      const before = Math.floor(Date.now() / 1000);
      const a = await post(body);
      const after = Math.floor(Date.now() / 1000);
      const data = expectSignedData(expectEnvelope(a, 0).data);
      expect(data).toMatchObject({ code: 0, orderNo: 'O-42', state: 'PAID', sawUnknown: false });
      expect(data.resTime).toBeGreaterThanOrEqual(before);
      expect(data.resTime).toBeLessThanOrEqual(after);
      expect((await post(body)).text).toBe(a.text);
    });

    it("answers its errors with the envelope; a parse error, before any route matches, stays the gateway's", async () => {
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
      expect(await post('{"orderNo":')).toMatchObject({ status: 400, json: { hostError: true, status: 400 } });
    });
  });
});
