import fc from 'fast-check';
import { ASSIST_ERROR_DESCRIPTIONS } from '../../../wire/src/error-codes';
import { sign as signFields, withSign } from '../../../wire/src/signing/signature';
import { ADAPTERS, DEMO_SECRET, nowSeconds } from '../../../../test/support/gateway';
import { useMinimalHost } from '../../../../test/support/minimal-host';
import { envelopeProblem, rawRequest } from '../../../../test/support/raw-http';

/** Property-based fuzz over the DTO + guard path, through the real app over HTTP. */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 500);
const DOCUMENTED = new Set(Object.keys(ASSIST_ERROR_DESCRIPTIONS).map(Number));
const CONTRACT = [
  'code',
  'url',
  'state',
  'scope',
  'clientIp',
  'nonceStr',
  'reqTime',
  'sign',
  'mchNo',
  'appId',
] as const;
const ROUTES = ['getWxAccessToken', 'getWxAuthUrl'] as const;

/** Plausible values for each contract field, mixed with anything JSON can carry. */
function fieldValue(name: (typeof CONTRACT)[number]): fc.Arbitrary<unknown> {
  const now = nowSeconds();
  const plausible: Record<string, fc.Arbitrary<unknown>> = {
    code: fc.oneof(fc.string({ maxLength: 70 }), fc.hexaString({ minLength: 32, maxLength: 32 })),
    url: fc.oneof(
      fc.webUrl(),
      fc.constantFrom('http://localhost:3000/cb', 'http://localhost@evil.com/', 'javascript:x', 'http://[::1]:1/'),
    ),
    state: fc.string({ maxLength: 140 }),
    scope: fc.constantFrom('snsapi_base', 'snsapi_userinfo', 'snsapi_login', ''),
    clientIp: fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 70 })),
    nonceStr: fc.string({ maxLength: 40 }),
    reqTime: fc.oneof(
      fc.integer({ min: now - 400, max: now + 100 }),
      fc.integer({ min: now - 400, max: now + 100 }).map(String),
      fc.constantFrom(now * 1000, -1, 0, 1e21, Number.MAX_SAFE_INTEGER + 2, 0.5),
      fc.double(),
    ),
    sign: fc.oneof(fc.hexaString({ minLength: 64, maxLength: 64 }), fc.string({ maxLength: 70 })),
    mchNo: fc.constantFrom('M1000000001', 'M0', '', 'x'.repeat(40)),
    appId: fc.constantFrom('A1000000001', 'A0', ''),
  };
  return fc.oneof({ weight: 3, arbitrary: plausible[name] }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) });
}

const contractPart = fc.record(
  Object.fromEntries(CONTRACT.map((n) => [n, fieldValue(n)])) as Record<
    (typeof CONTRACT)[number],
    fc.Arbitrary<unknown>
  >,
  { requiredKeys: [] },
);
const extras = fc.dictionary(
  fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'),
  ),
  fc.jsonValue({ maxDepth: 4 }),
  { maxKeys: 6 },
);

/** A valid body for the route (which a DaxPay client would send), before signing. */
function validFields(route: (typeof ROUTES)[number]): fc.Arbitrary<Record<string, unknown>> {
  const common = {
    nonceStr: fc.option(fc.string({ maxLength: 32 }), { nil: undefined }),
    clientIp: fc.option(fc.oneof(fc.ipV4(), fc.ipV6()), { nil: undefined }),
    mchNo: fc.option(fc.constant('M1000000001'), { nil: undefined }),
  };
  const own: Record<string, fc.Arbitrary<unknown>> = route === 'getWxAccessToken'
    ? { code: fc.stringMatching(/^[A-Za-z0-9]{1,64}$/) }
    : {
        url: fc
          .tuple(fc.constantFrom('localhost', '127.0.0.1', '[::1]'), fc.integer({ min: 1, max: 65535 }), fc.webPath())
          .map(([h, p, path]) => `http://${h}:${p}${path}`),
        state: fc.option(fc.string({ maxLength: 128 }), { nil: undefined }),
        scope: fc.option(fc.constantFrom('snsapi_base', 'snsapi_userinfo'), { nil: undefined }),
      };
  return fc
    .record<Record<string, unknown>>({ ...common, ...own })
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));
}

/** A valid signed body, sometimes with one contract field then replaced by anything. */
const validBodies = (route: (typeof ROUTES)[number]) =>
  fc
    .tuple(
      validFields(route),
      fc.option(fc.tuple(fc.constantFrom(...CONTRACT), fc.jsonValue({ maxDepth: 2 })), { freq: 2, nil: null }),
    )
    .map(([fields, mutation]) => {
      const body: Record<string, unknown> = withSign(
        { ...fields, reqTime: nowSeconds() } as never,
        'HMAC_SHA256',
        DEMO_SECRET,
      );
      if (mutation) body[mutation[0]] = mutation[1];
      return JSON.stringify(body);
    });

/** A body: any JSON at all, or contract fields plus junk, sometimes with a fresh reqTime and a valid sign. */
const bodies = fc.oneof(
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(contractPart, extras, fc.constantFrom('none', 'fresh', 'signed', 'signed'))
      .map(([fields, junk, mode]) => {
        const contract: Record<string, unknown> = { ...fields };
        if (mode !== 'none') contract.reqTime = nowSeconds();
        const signed = mode === 'signed' ? withSign(contract as never, 'HMAC_SHA256', DEMO_SECRET) : contract;
        // Junk after the contract fields, as JSON text, so __proto__ arrives as a real key.
        const junkText = Object.entries(junk)
          .filter(([k]) => !(CONTRACT as readonly string[]).includes(k))
          .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
        const text = JSON.stringify(signed);
        return junkText.length ? `${text.slice(0, -1)}${text.length > 2 ? ',' : ''}${junkText.join(',')}}` : text;
      }),
  },
);

describe.each(ADAPTERS)('fuzz over %s', (adapter) => {
  const host = useMinimalHost(adapter, { override: { rateLimit: { ip: false, merchant: false } } });
  const seen = new Map<number, number>();

  afterAll(() => {
    // The run count and what came back, for the issue note.
    console.log(
      `fuzz ${adapter}: ${FUZZ_RUNS} JSON bodies + ${Math.ceil(FUZZ_RUNS / 2)} byte strings; codes ${JSON.stringify(Object.fromEntries(seen))}`,
    );
  });

  it(`generated JSON bodies always get a documented envelope, never 10001 (${FUZZ_RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...ROUTES)
          .chain((route) =>
            fc.tuple(
              fc.constant(route),
              fc.oneof({ weight: 3, arbitrary: bodies }, { weight: 2, arbitrary: validBodies(route) }),
            ),
          ),
        async ([route, body]) => {
          const a = await rawRequest(host.gw.baseUrl, `/unipay/assist/${route}`, {
            headers: { 'content-type': 'application/json' },
            body,
          });
          const problem = envelopeProblem(a, { allowSuccess: true });
          if (problem) throw new Error(`${problem} for ${body.slice(0, 200)}`);
          seen.set(a.json.code, (seen.get(a.json.code) ?? 0) + 1);
          if (!DOCUMENTED.has(a.json.code)) throw new Error(`undocumented code ${a.json.code}`);
          if (a.json.code === 0) {
            // A success is signed over data, and never carries refresh_token.
            const { sign, ...data } = a.json.data;
            if (sign !== signFields(data, 'HMAC_SHA256', DEMO_SECRET)) throw new Error('unsigned success');
            if ('refresh_token' in data || 'refreshToken' in data) throw new Error('refresh_token returned');
          }
          if (({} as Record<string, unknown>).polluted !== undefined) throw new Error('prototype polluted');
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
    // Some generated bodies were validly signed and went all the way through.
    expect(seen.get(0) ?? 0).toBeGreaterThan(0);
  }, 120_000);

  it('arbitrary bytes under any content type get an envelope', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }).map((u) => Buffer.from(u)),
          fc.string({ maxLength: 300 }).map((s) => Buffer.from(s)),
        ),
        fc.constantFrom(
          'application/json',
          'application/json; charset=utf-8',
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/vnd.api+json',
        ),
        async (body, type) => {
          const a = await rawRequest(host.gw.baseUrl, '/unipay/assist/getWxAccessToken', {
            headers: { 'content-type': type },
            body,
          });
          const problem = envelopeProblem(a);
          if (problem) throw new Error(`${problem} for ${type} ${body.toString('hex').slice(0, 120)}`);
          seen.set(a.json.code, (seen.get(a.json.code) ?? 0) + 1);
        },
      ),
      { numRuns: Math.ceil(FUZZ_RUNS / 2) },
    );
  }, 120_000);

  it('still serves afterwards', async () => {
    const body = JSON.stringify(
      withSign({ reqTime: nowSeconds(), url: 'http://localhost:3000/cb' }, 'HMAC_SHA256', DEMO_SECRET),
    );
    const a = await rawRequest(host.gw.baseUrl, '/unipay/assist/getWxAuthUrl', {
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(a.json.code).toBe(0);
  });
});
