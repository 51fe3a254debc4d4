import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AssistMetrics } from '../../src/kernel/assist.metrics';
import {
  chinaTime,
  clientCheck,
  FIXTURE,
  FIXTURE_APP_ID,
  FIXTURE_MCH_NO,
  fixtureMerchant,
  Generation,
  GENERATIONS,
  Route,
  sdkRequest,
  signOf,
  WechatStub,
  WireSignType,
  withoutNulls,
} from '../../../../test/support/daxpay-wire';
import { daxpay3Reference } from '../../../../test/support/daxpay3-reference';
import { ADAPTERS, Answer, post, RunningGateway, startGateway } from '../../../../test/support/gateway';
import { LogCapture } from '../../../../test/support/log-capture';

/*
 * Every DaxPay generation against merchants nobody configured for it, over
 * Express and Fastify: the golden request bodies of test/fixtures (posted
 * byte for byte, the relay's clock pinned to the fixture's) are answered as
 * the generation their wire names; where the wire cannot tell, as the
 * merchant's configured dialect (default 2.0.6). Pinned merchants refuse the
 * rest; 20052 and 10006 say why. Answers are checked the way each
 * generation's SDK checks them (test/support/daxpay-wire.ts, nothing from src/signing).
 */

interface Vector30 {
  name: string;
  kind: 'request' | 'answer';
  input: Record<string, unknown>;
  MD5: string;
  HMAC_SHA256: string;
  SM3: string;
}
const VECTORS_30 = (
  JSON.parse(
    readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'vectors', 'daxpay-3.0-vectors.json'), 'utf8'),
  ) as { secret: string; vectors: Vector30[] }
).vectors;
/** The 3.0 vectors' merchant (the demo's mchNo/appId) and their reqTime, 2025-06-01 12:00:00 China time. */
const MCH_30 = { mchNo: 'M1000000001', appId: 'A1000000001' };
const CLOCK_30_MS = Date.UTC(2025, 5, 1, 4, 0, 0);
const CLOCK_20_MS = FIXTURE.resTime * 1000;

class CountingMetrics implements AssistMetrics {
  readonly requests: Array<{ route: string; code: number; dialect?: string }> = [];
  readonly replayed: string[] = [];
  request(route: string, code: number, dialect?: string): void {
    this.requests.push({ route, code, dialect });
  }
  upstreamCall(): void {}
  exchangeReused(): void {}
  replayRejected(): void {}
  replayAnswered(source: string): void {
    this.replayed.push(source);
  }
  breakerState(): void {}
  redisError(): void {}
  last(): { route: string; code: number; dialect?: string } | undefined {
    return this.requests[this.requests.length - 1];
  }
}

interface Relay {
  gw: RunningGateway;
  metrics: CountingMetrics;
  logs: LogCapture;
  clock: { ms: number };
}

/** A merchant of the fixture with no dialect (or `extra`'s), the default one (2.0 bodies name none). */
function unconfigured(signType: WireSignType, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { dialect: _none, ...m } = fixtureMerchant('unused', signType, { default: true, ...extra });
  return extra.dialect ? { ...m, dialect: extra.dialect } : m;
}

/** The 3.0 vectors' merchant: no dialect either. */
function merchant30(signType: WireSignType, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...MCH_30,
    wechat: { appId: FIXTURE.wechatAppId, appSecret: 'stub-wechat-secret' },
    signType,
    signSecret: FIXTURE.secret,
    redirectHosts: ['merchant.example.com'],
    ...extra,
  };
}

async function startRelay(
  adapter: 'express' | 'fastify',
  stub: WechatStub,
  merchants: Record<string, unknown>[],
): Promise<Relay> {
  const metrics = new CountingMetrics();
  const logs = new LogCapture();
  const clock = { ms: CLOCK_20_MS };
  const gw = await startGateway({
    adapter,
    logger: logs,
    override: {
      merchants,
      wechat: { apiBase: stub.baseUrl, openBase: 'https://open.weixin.qq.com' },
      hostedAuth: { publicBaseUrl: 'https://pay.example.com' },
      clock: { nowMs: () => clock.ms },
      metrics,
      rateLimit: { ip: false, merchant: false },
    },
  });
  return { gw, metrics, logs, clock };
}

const vector20 = (generation: Generation, name: string) =>
  FIXTURE.generations[generation].requests.find((r) => r.name === name)!;
const golden = (generation: Generation, route: Route, signType: WireSignType): string =>
  vector20(generation, route).bodies[signType];
const fixtureAnswer = (generation: Generation, route: Route, signType: WireSignType): Record<string, unknown> =>
  JSON.parse(
    FIXTURE.generations[generation].answers.find((a) => a.name === `${route} success`)!.bodies[signType],
  ) as Record<string, unknown>;

/** The answer equals the fixture's answer of `answeredAs` (traceId the relay's own; multi-late's outer sign covers it, so it is checked as the SDK does). */
function expectAnsweredAs(
  answeredAs: Generation,
  route: Route,
  signType: WireSignType,
  got: Record<string, unknown>,
): void {
  const { sign: _s, ...expected }: Record<string, unknown> = {
    ...fixtureAnswer(answeredAs, route, signType),
    traceId: got.traceId,
  };
  const { sign: _g, ...rest } = got;
  if (answeredAs === 'multi-late') expect(withoutNulls(rest)).toEqual(withoutNulls(expected));
  else
    expect(withoutNulls(got)).toEqual(
      withoutNulls({ ...fixtureAnswer(answeredAs, route, signType), traceId: got.traceId }),
    );
  expect(clientCheck(answeredAs, route, got, signType)).toBeUndefined();
}

const DIALECT_NAME: Record<Generation, string> = {
  '2.0.0': 'daxpay-2.0.0',
  '2.0.1-2.0.5': 'daxpay-2.0.1',
  '2.0.6-2.0.8': 'daxpay-2.0.6',
  multi: 'daxpay-multi',
  'multi-late': 'daxpay-multi-late',
};

/** What an unconfigured merchant answers a generation's golden body as: the wire's generation, or the family default where it cannot tell. */
function answeredAsUnconfigured(generation: Generation, signType: WireSignType): Generation {
  if (generation === '2.0.1-2.0.5') return '2.0.6-2.0.8';
  if (generation === 'multi-late' && signType !== 'SM3') return 'multi';
  return generation;
}

function vector30Body(name: string, signType: WireSignType): Record<string, unknown> {
  const v = VECTORS_30.find((x) => x.name === name)!;
  return { ...v.input, sign: v[signType] };
}

async function post30(relay: Relay, route: string, body: unknown): Promise<Answer> {
  relay.clock.ms = CLOCK_30_MS;
  try {
    return await post(relay.gw.baseUrl, `channel/auth/${route}`, body);
  } finally {
    relay.clock.ms = CLOCK_20_MS;
  }
}

describe.each(ADAPTERS)('generation detection over %s', (adapter) => {
  let stub: WechatStub;
  beforeAll(async () => {
    stub = await WechatStub.start();
  });
  afterAll(async () => {
    await stub?.close();
  });

  describe.each(['MD5', 'HMAC_SHA256', 'SM3'] as const)('merchants with no dialect (%s)', (signType) => {
    let relay: Relay;
    beforeAll(async () => {
      relay = await startRelay(adapter, stub, [unconfigured(signType), merchant30(signType)]);
    });
    afterAll(async () => {
      await relay?.gw.close();
    });

    const cases = GENERATIONS.filter((g) => FIXTURE.generations[g].signTypes.includes(signType)).flatMap((g) =>
      (['getWxAuthUrl', 'getWxAccessToken'] as const).map((route) => [g, route] as const),
    );

    it.each(cases)(
      '%s %s: the golden body is answered as its generation (or the family default), and that SDK check passes',
      async (generation, route) => {
        const answer = await post(relay.gw.baseUrl, route, golden(generation, route, signType));
        expect(answer.status).toBe(200);
        const as = answeredAsUnconfigured(generation, signType);
        expectAnsweredAs(as, route, signType, answer.json);
        expect(relay.metrics.last()).toEqual({ route, code: 0, dialect: DIALECT_NAME[as] });
      },
    );

    it.each(['generateAuthUrl wechat', 'auth read by queryCode'])(
      '3.0 vector "%s" is answered as 3.0, signed as 3.0 signs',
      async (name) => {
        const route = name.split(' ')[0];
        const answer = await post30(relay, route, vector30Body(name, signType));
        expect(answer.json.code).toBe(0);
        expect(Object.keys(answer.json)).toEqual(['code', 'msg', 'data', 'sign', 'resTime', 'traceId']);
        expect(
          daxpay3Reference.verifyAnswer(
            answer.json,
            route === 'generateAuthUrl' ? 'AuthUrlResult' : 'AuthResult',
            signType,
            FIXTURE.secret,
          ),
        ).toBe(true);
        expect(relay.metrics.last()).toEqual({ route, code: 0, dialect: 'daxpay-3.0' });
      },
    );

    it('the multi SDK with mchNo/appId left to its config (its sign covers neither) is answered as the early multi line', async () => {
      if (signType === 'SM3') return; // that SDK has no SM3
      for (const r of FIXTURE.generations.multi.requests.filter((x) => x.name.includes('DaxPayConfig'))) {
        const answer = await post(relay.gw.baseUrl, r.route, r.bodies[signType]);
        expect(answer.json.code).toBe(0);
        expect(clientCheck('multi', r.route, answer.json, signType)).toBeUndefined();
      }
    });

    it('a detected request runs once: its identical retry gets the first answer without a second WeChat call, and the log line names the generation', async () => {
      const generation: Generation = signType === 'SM3' ? 'multi-late' : 'multi';
      const body = sdkRequest(generation, { code: `GOOD_DETECT_${adapter}_${signType}` }, signType);
      const first = await post(relay.gw.baseUrl, 'getWxAccessToken', body);
      const replayed = relay.metrics.replayed.length;
      const again = await post(relay.gw.baseUrl, 'getWxAccessToken', body);
      expect(first.json.code).toBe(0);
      expect(again.text).toBe(first.text);
      expect(stub.callsFor(`GOOD_DETECT_${adapter}_${signType}`)).toBe(1);
      expect(relay.metrics.replayed.slice(replayed)).toEqual(['stored']);
      expect(
        relay.logs
          .assistLines()
          .some(
            (l) =>
              l.message.startsWith('wechat.exchanged') && l.message.includes(`dialect=${DIALECT_NAME[generation]}`),
          ),
      ).toBe(true);
    });
  });

  describe('what stays configuration', () => {
    let r201: Relay;
    let rLate: Relay;
    beforeAll(async () => {
      r201 = await startRelay(adapter, stub, [unconfigured('MD5', { dialect: 'daxpay-2.0.1' })]);
      rLate = await startRelay(adapter, stub, [unconfigured('MD5', { dialect: 'daxpay-multi-late' })]);
    });
    afterAll(async () => {
      await r201?.gw.close();
      await rLate?.gw.close();
    });

    it('a merchant configured for 2.0.1-2.0.5 gets that answer for an undecidable body, and 2.0.0 / multi bodies are still answered as their own generation', async () => {
      expectAnsweredAs(
        '2.0.1-2.0.5',
        'getWxAuthUrl',
        'MD5',
        (await post(r201.gw.baseUrl, 'getWxAuthUrl', golden('2.0.1-2.0.5', 'getWxAuthUrl', 'MD5'))).json,
      );
      expectAnsweredAs(
        '2.0.0',
        'getWxAuthUrl',
        'MD5',
        (await post(r201.gw.baseUrl, 'getWxAuthUrl', golden('2.0.0', 'getWxAuthUrl', 'MD5'))).json,
      );
      expectAnsweredAs(
        'multi',
        'getWxAuthUrl',
        'MD5',
        (await post(r201.gw.baseUrl, 'getWxAuthUrl', golden('multi', 'getWxAuthUrl', 'MD5'))).json,
      );
    });

    it('a merchant configured for the late multi line gets its answer; the early SDK that left mchNo/appId unsigned is still told apart', async () => {
      expectAnsweredAs(
        'multi-late',
        'getWxAuthUrl',
        'MD5',
        (await post(rLate.gw.baseUrl, 'getWxAuthUrl', golden('multi-late', 'getWxAuthUrl', 'MD5'))).json,
      );
      const early = vector20('multi', 'getWxAuthUrl, mchNo/appId left to DaxPayConfig (signed before they are filled)');
      const answer = await post(rLate.gw.baseUrl, 'getWxAuthUrl', early.bodies.MD5);
      expect(clientCheck('multi', 'getWxAuthUrl', answer.json, 'MD5')).toBeUndefined();
      expect(rLate.metrics.last()).toEqual({ route: 'getWxAuthUrl', code: 0, dialect: 'daxpay-multi' });
    });
  });

  describe('pinned merchants refuse the other generations', () => {
    let relay: Relay;
    beforeAll(async () => {
      relay = await startRelay(adapter, stub, [
        unconfigured('MD5', { dialect: 'daxpay-2.0.6', strictDialect: true }),
        merchant30('MD5', { dialects: ['daxpay-3.0'] }),
      ]);
    });
    afterAll(async () => {
      await relay?.gw.close();
    });

    it('a merchant pinned to 2.0.6 answers 2.0.6 (and the identical 2.0.1-2.0.5 body) as 2.0.6', async () => {
      expectAnsweredAs(
        '2.0.6-2.0.8',
        'getWxAuthUrl',
        'MD5',
        (await post(relay.gw.baseUrl, 'getWxAuthUrl', golden('2.0.6-2.0.8', 'getWxAuthUrl', 'MD5'))).json,
      );
      expectAnsweredAs(
        '2.0.6-2.0.8',
        'getWxAuthUrl',
        'MD5',
        (await post(relay.gw.baseUrl, 'getWxAuthUrl', golden('2.0.1-2.0.5', 'getWxAuthUrl', 'MD5'))).json,
      );
    });

    it.each([
      [
        '2.0.0',
        /the relay expected the daxpay-2\.0\.6 sign string over clientIp, code, reqTime .*; the sign verifies with the merchant's own secret as the daxpay-2\.0\.0 sign string with MD5: add daxpay-2\.0\.0 to the merchant's dialects to accept it$/,
      ],
      [
        'multi',
        /^signature verification failed: the merchant accepts daxpay-2\.0\.6 only \(pinned\), and this request is a daxpay-3\.0 or daxpay-multi request \(datetime reqTime with mchNo\/appId\); the sign verifies with the merchant's own secret as the daxpay-multi sign string with MD5: add daxpay-multi/,
      ],
      ['multi-late', /accepts daxpay-2\.0\.6 only \(pinned\).*as the daxpay-multi sign string with MD5/],
    ] as const)(
      'a merchant pinned to 2.0.6 refuses a %s body with 20052, saying which generation it is; WeChat is not called',
      async (generation, message) => {
        const calls = stub.callsFor('061Xy0ll2Qq1Fh4qGxml2Z0Tdl1Xy0lX');
        const answer = await post(relay.gw.baseUrl, 'getWxAccessToken', golden(generation, 'getWxAccessToken', 'MD5'));
        expect(answer.json).toMatchObject({ code: 20052, data: null });
        expect(answer.json.msg).toMatch(message);
        expect(answer.json.msg).not.toContain('061Xy0ll2Qq1Fh4qGxml2Z0Tdl1Xy0lX');
        expect(stub.callsFor('061Xy0ll2Qq1Fh4qGxml2Z0Tdl1Xy0lX')).toBe(calls);
      },
    );

    it('a merchant pinned to 3.0 answers 3.0 and refuses a multi-line body and a 2.0 body', async () => {
      const ok = await post30(relay, 'generateAuthUrl', vector30Body('generateAuthUrl wechat', 'MD5'));
      expect(ok.json.code).toBe(0);
      const multiFields = {
        url: 'https://merchant.example.com/pay/return?order=A1',
        ...MCH_30,
        clientIp: '127.0.0.1',
        reqTime: FIXTURE.reqTimeChina,
      };
      const multi = await post(relay.gw.baseUrl, 'getWxAuthUrl', {
        ...multiFields,
        sign: signOf(multiFields, 'MD5', FIXTURE.secret),
      });
      expect(multi.json).toMatchObject({ code: 20052, data: null });
      expect(multi.json.msg).toMatch(
        /^signature verification failed \(MD5\): the relay expected the daxpay-3\.0 sign string over appId, clientIp, mchNo, reqTime, url \(.*upper-cased\).*as the daxpay-multi sign string with MD5: add daxpay-multi to the merchant's dialects/,
      );
      const epochFields = {
        url: 'https://merchant.example.com/pay/return?order=A1',
        ...MCH_30,
        reqTime: FIXTURE.reqTime,
      };
      const epoch = await post(relay.gw.baseUrl, 'getWxAuthUrl', {
        ...epochFields,
        sign: signOf(epochFields, 'MD5', FIXTURE.secret),
      });
      expect(epoch.json.code).toBe(20052);
      expect(epoch.json.msg).toMatch(
        /accepts daxpay-3\.0 only \(pinned\), and this request is a daxpay-2\.0\.6 request \(epoch reqTime\)/,
      );
    });
  });

  describe('diagnostics', () => {
    let relay: Relay;
    const UTC_MERCHANT = { mchNo: 'MUTC0001', appId: 'AUTC0001' };
    beforeAll(async () => {
      relay = await startRelay(adapter, stub, [
        unconfigured('HMAC_SHA256'),
        merchant30('HMAC_SHA256', { ...UTC_MERCHANT, reqTimeZone: 'UTC' }),
      ]);
    });
    afterAll(async () => {
      await relay?.gw.close();
    });

    it('a client signing MD5 for an HMAC_SHA256 merchant: 20052 names the sign string expected and says MD5 verifies', async () => {
      const answer = await post(relay.gw.baseUrl, 'getWxAuthUrl', golden('2.0.6-2.0.8', 'getWxAuthUrl', 'MD5'));
      expect(answer.json).toMatchObject({ code: 20052, data: null });
      expect(answer.json.msg).toBe(
        'signature verification failed (HMAC_SHA256): the relay expected the daxpay-2.0.6 sign string over clientIp, reqTime, state, url ' +
          '(sorted name=value joined by &, every " and \\ removed, then &key=<secret>, no upper-casing), HMAC_SHA256 in lower-case hex; ' +
          "the sign verifies with the merchant's own secret as the daxpay-2.0.6 sign string with MD5: the client signs with MD5, the merchant is configured for HMAC_SHA256 (set signType to match)",
      );
      expect(relay.logs.text().join('\n')).not.toContain(`key=${FIXTURE.secret}`);
    });

    it('a wrong secret: 20052 names the sign string expected and nothing verifies', async () => {
      const answer = await post(
        relay.gw.baseUrl,
        'getWxAccessToken',
        sdkRequest('2.0.6-2.0.8', { code: 'GOOD_WRONG_SECRET' }, 'HMAC_SHA256', 'not-the-secret'),
      );
      expect(answer.json.code).toBe(20052);
      expect(answer.json.msg).toMatch(
        /^signature verification failed \(HMAC_SHA256\): the relay expected the daxpay-2\.0\.6 sign string over clientIp, code, reqTime \(/,
      );
      expect(answer.json.msg).not.toMatch(/verifies/);
      expect(answer.json.msg).not.toContain('GOOD_WRONG_SECRET');
    });

    it('a multi client in a UTC container: 10506 says 8 h behind looks like a time zone read as Asia/Shanghai; the merchant with reqTimeZone UTC accepts the same clock', async () => {
      const utcWallClock = chinaTime(FIXTURE.resTime - 8 * 3600);
      const fields = (m: { mchNo: string; appId: string }) => ({
        url: 'https://merchant.example.com/pay/return?order=A1',
        mchNo: m.mchNo,
        appId: m.appId,
        clientIp: '127.0.0.1',
        reqTime: utcWallClock,
      });
      const china = fields({ mchNo: FIXTURE_MCH_NO, appId: FIXTURE_APP_ID });
      const refused = await post(relay.gw.baseUrl, 'getWxAuthUrl', {
        ...china,
        sign: signOf(china, 'HMAC_SHA256', FIXTURE.secret),
      });
      expect(refused.json).toMatchObject({ code: 10506, data: null });
      expect(refused.json.msg).toBe(
        'reqTime: is 28800 s behind the server clock (at most 300 s allowed; that is 8 h behind, which looks like a time zone: ' +
          'the relay reads a yyyy-MM-dd HH:mm:ss reqTime as Asia/Shanghai time (UTC+08:00), the client seems to write UTC+00:00 local time; ' +
          "set the merchant's reqTimeZone to the client's zone)",
      );
      const utc = fields(UTC_MERCHANT);
      const accepted = await post(relay.gw.baseUrl, 'getWxAuthUrl', {
        ...utc,
        sign: signOf(utc, 'HMAC_SHA256', FIXTURE.secret),
      });
      expect(accepted.json.code).toBe(0);
      expect(clientCheck('multi', 'getWxAuthUrl', accepted.json, 'HMAC_SHA256')).toBeUndefined();
    });
  });
});
