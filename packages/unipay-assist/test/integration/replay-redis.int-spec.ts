import { AssistErrorCode } from '../../../wire/src/error-codes';
import { RunningSimulator } from '../../../simulator/src/simulator.server';
import {
  ADAPTERS,
  codeFrom,
  DEMO_MERCHANT,
  post,
  RunningGateway,
  signedBody,
  startSimulator,
} from '../../../../test/support/gateway';
import { startMinimalHost } from '../../../../test/support/minimal-host';
import { SHARED_REDIS_URL, uniquePrefix } from '../../../../test/support/redis-server';

const authUrlBody = () => signedBody({ url: 'http://localhost:3000/back', state: 'x' });

/** RedisReplayStore as the relay uses it: two instances, one Redis, one memory of signed requests (and, by default, their answers). */
describe.each(ADAPTERS)('replay protection shared through Redis, two instances over %s', (adapter) => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => {
    await sim?.close();
  });

  describe.each([
    ['answer', 'the default'],
    ['reject', 'strict'],
  ] as const)("replay: '%s' (%s)", (replay, _why) => {
    let a: RunningGateway;
    let b: RunningGateway;
    // A copy gets the first answer (answer mode), or REPLAYED (strict).
    const expectCopy = (copy: { text: string; json: { code: number; data: unknown } }, first: { text: string }) =>
      replay === 'answer'
        ? expect(copy.text).toBe(first.text)
        : expect(copy.json).toMatchObject({ code: AssistErrorCode.REPLAYED, data: null });

    beforeAll(async () => {
      const override = {
        redisUrl: SHARED_REDIS_URL,
        redisKeyPrefix: uniquePrefix(`replay-${adapter}-${replay}`),
        merchants: [{ ...DEMO_MERCHANT, replay }],
        wechat: { apiBase: sim.baseUrl, openBase: sim.baseUrl },
      };
      a = await startMinimalHost({ adapter, override });
      b = await startMinimalHost({ adapter, override });
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
    });

    it('a copy on B of a request A answered, and on A again', async () => {
      const body = authUrlBody();
      const first = await post(a.baseUrl, 'getWxAuthUrl', body);
      expect(first.json).toMatchObject({ code: 0, data: { code: 0 } });
      expectCopy(await post(b.baseUrl, 'getWxAuthUrl', body), first);
      expectCopy(await post(a.baseUrl, 'getWxAuthUrl', body), first);
    });

    it('a copy of a code exchange never calls WeChat again', async () => {
      const auth = await post(a.baseUrl, 'getWxAuthUrl', authUrlBody());
      const body = signedBody({ code: await codeFrom(auth.json.data.url) });
      const first = await post(b.baseUrl, 'getWxAccessToken', body);
      expect(first.json).toMatchObject({ code: 0, data: { code: 0 } });
      const exchanges = sim.simulator.exchanges;
      expectCopy(await post(a.baseUrl, 'getWxAccessToken', body), first);
      expect(sim.simulator.exchanges).toBe(exchanges);
    });

    it('ten simultaneous copies on both instances: one runs; the rest get its answer, or REPLAYED when strict', async () => {
      const body = authUrlBody();
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => post(i % 2 ? a.baseUrl : b.baseUrl, 'getWxAuthUrl', body)),
      );
      const accepted = answers.filter((r) => r.json.code === 0);
      if (replay === 'answer') {
        expect(accepted).toHaveLength(10);
        expect(new Set(answers.map((r) => r.text)).size).toBe(1);
      } else {
        expect(answers.map((r) => r.json.code).sort()).toEqual([0, ...Array(9).fill(AssistErrorCode.REPLAYED)]);
      }
    });

    it('keeps distinct signed requests apart', async () => {
      for (let i = 0; i < 5; i++) {
        expect((await post(i % 2 ? a.baseUrl : b.baseUrl, 'getWxAuthUrl', authUrlBody())).json.code).toBe(0);
      }
    });
  });
});
