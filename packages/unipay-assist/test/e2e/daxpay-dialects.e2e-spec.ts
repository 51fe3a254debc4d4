import { AssistMetrics } from '../../src/kernel/assist.metrics';
import {
  ACCESS_TOKEN,
  clientCheck,
  DIALECT_OF,
  FIXTURE,
  fixtureMerchant,
  Generation,
  GENERATIONS,
  OPEN_ID,
  Route,
  sdkRequest,
  WechatStub,
  WireSignType,
  withoutNulls,
} from '../../../../test/support/daxpay-wire';
import { ADAPTERS, Answer, post, RunningGateway, startGateway } from '../../../../test/support/gateway';
import { LogCapture } from '../../../../test/support/log-capture';
import { sleep, waitFor } from '../../../../test/support/wait';

/*
 * Every DaxPay client generation against the relay, over Express and Fastify:
 * the fixture's golden request bodies posted byte for byte (the relay's clock
 * pinned to the fixture's resTime), answers compared with the fixture's and
 * checked the way each generation's own SDK checks them (test/support/daxpay-wire.ts,
 * written from docs/daxpay-dialects.md, nothing from src/signing).
 */

const CLOCK = { nowMs: () => FIXTURE.resTime * 1000 };
// DaxPay's outer codes for a strict-mode replay: bootx 2.0 REPETITIVE_OPERATION_ERROR, and bootx 3.0's (multi line).
const REPETITIVE: Record<Generation, number> = {
  '2.0.0': 10007,
  '2.0.1-2.0.5': 10007,
  '2.0.6-2.0.8': 10007,
  multi: 10507,
  'multi-late': 10507,
};

/** Counts what the relay reports, for telling a replayed answer from a fresh one. */
class CountingMetrics implements AssistMetrics {
  readonly replayed: string[] = [];
  rejected = 0;
  reused: string[] = [];
  redisError(): void {}
  request(): void {}
  upstreamCall(): void {}
  exchangeReused(source: string): void {
    this.reused.push(source);
  }
  replayRejected(): void {
    this.rejected++;
  }
  replayAnswered(source: string): void {
    this.replayed.push(source);
  }
  breakerState(): void {}
}

interface Relay {
  gw: RunningGateway;
  metrics: CountingMetrics;
  logs: LogCapture;
}

async function startRelay(
  adapter: 'express' | 'fastify',
  stub: WechatStub,
  generation: Generation,
  signType: WireSignType,
  replay?: string,
): Promise<Relay> {
  const metrics = new CountingMetrics();
  const logs = new LogCapture();
  const gw = await startGateway({
    adapter,
    logger: logs,
    override: {
      merchants: [fixtureMerchant(DIALECT_OF[generation], signType, replay ? { replay } : {})],
      // The fixture's authorize URL is on WeChat's real open host; nothing calls it.
      wechat: { apiBase: stub.baseUrl, openBase: 'https://open.weixin.qq.com' },
      clock: CLOCK,
      metrics,
      rateLimit: { ip: false, merchant: false },
    },
  });
  return { gw, metrics, logs };
}

const golden = (generation: Generation, route: Route, signType: WireSignType): string =>
  FIXTURE.generations[generation].requests.find((r) => r.name === route)!.bodies[signType];
const fixtureAnswer = (generation: Generation, route: Route, signType: WireSignType): Record<string, unknown> =>
  JSON.parse(
    FIXTURE.generations[generation].answers.find((a) => a.name === `${route} success`)!.bodies[signType],
  ) as Record<string, unknown>;
const send = (relay: Relay, route: Route, body: string): Promise<Answer> => post(relay.gw.baseUrl, route, body);

/** The fixture answer with the relay's traceId: DaxPay's getWxAccessToken ResResult had none, the relay keeps its own (unknown to the SDK model). */
function expectFixtureAnswer(
  generation: Generation,
  route: Route,
  signType: WireSignType,
  got: Record<string, unknown>,
): void {
  const expected: Record<string, unknown> = { ...fixtureAnswer(generation, route, signType), traceId: got.traceId };
  if (generation === 'multi-late') {
    // The outer sign covers traceId, which is the relay's own: compare the rest, and verify the sign as the SDK does.
    const { sign: _s, ...rest } = expected;
    const { sign: _g, ...gotRest } = got;
    expect(withoutNulls(gotRest)).toEqual(withoutNulls(rest));
  } else {
    expect(withoutNulls(got)).toEqual(withoutNulls(expected));
  }
}

describe.each(ADAPTERS)('DaxPay client generations over %s', (adapter) => {
  let stub: WechatStub;
  beforeAll(async () => {
    stub = await WechatStub.start();
  });
  afterAll(async () => {
    await stub?.close();
  });

  describe.each(GENERATIONS)('%s', (generation) => {
    const signTypes = FIXTURE.generations[generation].signTypes;

    describe.each(signTypes)('%s', (signType) => {
      let relay: Relay;
      beforeAll(async () => {
        relay = await startRelay(adapter, stub, generation, signType);
      });
      afterAll(async () => {
        await relay?.gw.close();
      });

      it.each(['getWxAuthUrl', 'getWxAccessToken'] as const)(
        'happy path: the golden %s body gets the fixture answer, and the SDK check passes',
        async (route) => {
          const answer = await send(relay, route, golden(generation, route, signType));
          expect(answer.status).toBe(200);
          expectFixtureAnswer(generation, route, signType, answer.json);
          expect(clientCheck(generation, route, answer.json, signType)).toBeUndefined();
        },
      );

      it('identical retry: the same body again gets the same answer, without a second WeChat call or a fresh run', async () => {
        const body = golden(generation, 'getWxAccessToken', signType);
        const first = await send(relay, 'getWxAccessToken', body);
        const calls = stub.callsFor('061Xy0ll2Qq1Fh4qGxml2Z0Tdl1Xy0lX');
        const replayed = relay.metrics.replayed.length;
        const again = await send(relay, 'getWxAccessToken', body);
        expect(again.text).toBe(first.text);
        expect(again.json.code).toBe(0);
        expect(stub.callsFor('061Xy0ll2Qq1Fh4qGxml2Z0Tdl1Xy0lX')).toBe(calls);
        expect(relay.metrics.replayed.slice(replayed)).toEqual(['stored']);
        expect(relay.metrics.reused).toEqual([]);
        expect(
          relay.logs
            .assistLines()
            .some(
              (l) =>
                l.message.startsWith('request.replayed') && l.message.includes(`firstTraceId=${first.json.traceId}`),
            ),
        ).toBe(true);
      });

      it('business failure: WeChat refuses, the answer passes the SDK check, the errcode rides outside data, and a retry asks WeChat again', async () => {
        const body = sdkRequest(generation, { code: `BAD_${generation}_${signType}` }, signType);
        const answer = await send(relay, 'getWxAccessToken', body);
        expect(clientCheck(generation, 'getWxAccessToken', answer.json, signType)).toBeUndefined();
        expect(answer.json.wxErrcode).toBe(40029);
        expect(answer.json.msg === 'success' ? answer.json.data.msg : answer.json.msg).toContain(
          'WeChat errcode 40029',
        );
        if (generation === '2.0.6-2.0.8') {
          expect(answer.json.code).toBe(0);
          expect(Object.keys(answer.json.data).sort()).toEqual(['code', 'msg', 'resTime', 'sign']);
          expect(answer.json.data.code).toBe(1);
        } else {
          // The model has no code: DaxPay's PAY_FAILURE / UNCLASSIFIED_ERROR in the envelope.
          expect(answer.json).toMatchObject({ code: 20000, data: null });
        }
        // Not stored: a refusal may be transient (busy, rate limit), so the retry runs.
        const calls = stub.callsFor(`BAD_${generation}_${signType}`);
        await send(relay, 'getWxAccessToken', body);
        expect(stub.callsFor(`BAD_${generation}_${signType}`)).toBe(calls + 1);
      });

      it('a request that failed before the business ran (WeChat down) runs again when retried', async () => {
        const body = sdkRequest(generation, { code: `GOOD_DOWN_${generation}_${signType}` }, signType);
        stub.down = true;
        try {
          const failed = await send(relay, 'getWxAccessToken', body);
          expect(failed.json.code).not.toBe(0);
          expect(failed.json.data).toBeNull();
        } finally {
          stub.down = false;
        }
        const retried = await send(relay, 'getWxAccessToken', body);
        expect(retried.json.code).toBe(0);
        expect(clientCheck(generation, 'getWxAccessToken', retried.json, signType)).toBeUndefined();
      });

      it('concurrent identical requests: one WeChat call, both answered with the same answer', async () => {
        const code = `HOLD_${generation}_${signType}`;
        const body = sdkRequest(generation, { code }, signType);
        const replayed = relay.metrics.replayed.length;
        const first = send(relay, 'getWxAccessToken', body);
        expect(await waitFor(() => stub.callsFor(code) === 1)).toBe(true);
        const second = send(relay, 'getWxAccessToken', body);
        // Give the twin time to arrive while the first is held (not asserted: either way it must get the same answer).
        await sleep(100);
        stub.releaseHeld();
        const [a, b] = await Promise.all([first, second]);
        expect(a.json.code).toBe(0);
        expect(b.text).toBe(a.text);
        expect(a.json.data).toMatchObject({ accessToken: ACCESS_TOKEN, openId: OPEN_ID });
        expect(stub.callsFor(code)).toBe(1);
        expect(relay.metrics.replayed.slice(replayed)).toHaveLength(1);
        expect(['joined', 'stored']).toContain(relay.metrics.replayed[replayed]);
      });
    });

    describe('strict mode (replay: reject)', () => {
      let relay: Relay;
      const signType = signTypes[0];
      beforeAll(async () => {
        relay = await startRelay(adapter, stub, generation, signType, 'reject');
      });
      afterAll(async () => {
        await relay?.gw.close();
      });

      it("answers the first copy and refuses the second with DaxPay's repetitive-operation code", async () => {
        const body = golden(generation, 'getWxAuthUrl', signType);
        const first = await send(relay, 'getWxAuthUrl', body);
        expectFixtureAnswer(generation, 'getWxAuthUrl', signType, first.json);
        const again = await send(relay, 'getWxAuthUrl', body);
        expect(again.json).toMatchObject({ code: REPETITIVE[generation], data: null });
        expect(again.json.msg).toMatch(/replay/);
        expect(relay.metrics.rejected).toBe(1);
        expect(relay.metrics.replayed).toEqual([]);
      });
    });
  });

  describe('multi SDK with mchNo/appId left to its DaxPayConfig (signed before they are filled)', () => {
    let relay: Relay;
    beforeAll(async () => {
      relay = await startRelay(adapter, stub, 'multi', 'MD5');
    });
    afterAll(async () => {
      await relay?.gw.close();
    });

    it.each(
      FIXTURE.generations.multi.requests
        .filter((r) => r.name.includes('DaxPayConfig'))
        .map((r) => [r.name, r] as const),
    )('accepts "%s"', async (_name, r) => {
      const answer = await send(relay, r.route, r.bodies.MD5);
      expect(answer.json.code).toBe(0);
      expect(clientCheck('multi', r.route, answer.json, 'MD5')).toBeUndefined();
    });
  });
});
