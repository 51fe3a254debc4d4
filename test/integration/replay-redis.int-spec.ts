import { RunningSimulator } from '../../src/simulator/simulator.server';
import { ADAPTERS, codeFrom, post, RunningGateway, signedBody, startSimulator } from '../support/gateway';
import { startMinimalHost } from '../support/minimal-host';
import { SHARED_REDIS_URL, uniquePrefix } from '../support/redis-server';

const REPLAYED = 20061;
const authUrlBody = () => signedBody({ url: 'http://localhost:3000/back', state: 'x' });

/** RedisReplayStore as the relay uses it: two instances, one Redis, one memory of accepted signed requests. */
describe.each(ADAPTERS)('replay protection shared through Redis, two instances over %s', (adapter) => {
  let sim: RunningSimulator;
  let a: RunningGateway;
  let b: RunningGateway;

  beforeAll(async () => {
    sim = await startSimulator();
    const override = { redisUrl: SHARED_REDIS_URL, redisKeyPrefix: uniquePrefix(`replay-${adapter}`) };
    a = await startMinimalHost({ adapter, wechatBase: sim.baseUrl, override });
    b = await startMinimalHost({ adapter, wechatBase: sim.baseUrl, override });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await sim?.close();
  });

  it('rejects on B a request already accepted on A, and on A again', async () => {
    const body = authUrlBody();
    expect((await post(a.baseUrl, 'getWxAuthUrl', body)).json).toMatchObject({ code: 0, data: { code: 0 } });
    expect((await post(b.baseUrl, 'getWxAuthUrl', body)).json).toMatchObject({ code: REPLAYED, data: null });
    expect((await post(a.baseUrl, 'getWxAuthUrl', body)).json).toMatchObject({ code: REPLAYED, data: null });
  });

  it('rejects a replayed code exchange before WeChat is called', async () => {
    const auth = await post(a.baseUrl, 'getWxAuthUrl', authUrlBody());
    const body = signedBody({ code: await codeFrom(auth.json.data.url) });
    const first = await post(b.baseUrl, 'getWxAccessToken', body);
    expect(first.json).toMatchObject({ code: 0, data: { code: 0 } });
    const exchanges = sim.simulator.exchanges;
    const again = await post(a.baseUrl, 'getWxAccessToken', body);
    expect(again.json).toMatchObject({ code: REPLAYED, data: null });
    expect(sim.simulator.exchanges).toBe(exchanges);
  });

  it('lets exactly one of ten simultaneous copies through, whichever instance gets it', async () => {
    const body = authUrlBody();
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => post(i % 2 ? a.baseUrl : b.baseUrl, 'getWxAuthUrl', body)));
    const codes = answers.map((r) => r.json.code).sort();
    expect(codes).toEqual([0, ...Array(9).fill(REPLAYED)]);
  });

  it('keeps distinct signed requests apart', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await post(i % 2 ? a.baseUrl : b.baseUrl, 'getWxAuthUrl', authUrlBody())).json.code).toBe(0);
    }
  });
});
