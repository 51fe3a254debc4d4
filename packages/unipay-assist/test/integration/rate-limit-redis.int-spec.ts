import { RunningSimulator } from '../../../simulator/src/simulator.server';
import {
  ADAPTERS,
  DEMO_MERCHANT,
  post,
  RunningGateway,
  signedBody,
  startSimulator,
} from '../../../../test/support/gateway';
import { startMinimalHost } from '../../../../test/support/minimal-host';
import { SHARED_REDIS_URL, uniquePrefix } from '../../../../test/support/redis-server';
import { sleep } from '../../../../test/support/wait';

/**
 * The IP window of the "after the window" test: long enough that the requests which must land inside it
 * (three round trips) do so on a loaded machine; with 700 ms a slow machine could let the window lapse
 * between them, and the "over the limit" request got through.
 */
const IP_WINDOW_MS = 5000;

const RATE_LIMITED = 29063;
const merchants = [DEMO_MERCHANT, { ...DEMO_MERCHANT, mchNo: 'M2', appId: 'A2' }];
const authUrl = (gw: RunningGateway, extra: Record<string, unknown> = {}) =>
  post(gw.baseUrl, 'getWxAuthUrl', signedBody({ url: 'http://localhost:3000/cb', ...extra }));

/** The Redis ThrottlerStorage as the relay uses it (the memory storage's limits: test/e2e/rate-limit.e2e-spec.ts). */
describe.each(ADAPTERS)('rate limits with the Redis storage over %s', (adapter) => {
  let sim: RunningSimulator;
  const gateways: RunningGateway[] = [];
  const start = async (override: Record<string, unknown>) => {
    const gw = await startMinimalHost({
      adapter,
      wechatBase: sim.baseUrl,
      override: { merchants, redisUrl: SHARED_REDIS_URL, ...override },
    });
    gateways.push(gw);
    return gw;
  };

  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => {
    for (const gw of gateways) await gw.close();
    await sim?.close();
  });

  it('shares one merchant budget between two instances', async () => {
    const override = {
      redisKeyPrefix: uniquePrefix(`rl-${adapter}`),
      rateLimit: { ip: false, merchant: { limit: 4, windowMs: 60_000 } },
    };
    const a = await start(override);
    const b = await start(override);
    expect((await authUrl(a)).json.code).toBe(0);
    expect((await authUrl(b)).json.code).toBe(0);
    expect((await authUrl(a)).json.code).toBe(0);
    expect((await authUrl(b)).json.code).toBe(0);
    expect((await authUrl(a)).json.code).toBe(RATE_LIMITED);
    expect((await authUrl(b)).json.code).toBe(RATE_LIMITED);
    expect((await authUrl(b, { mchNo: 'M2' })).json.code).toBe(0);
  });

  it('limits per IP and lets requests through again after the window', async () => {
    const gw = await start({
      redisKeyPrefix: uniquePrefix(`rl-ip-${adapter}`),
      rateLimit: { ip: { limit: 2, windowMs: IP_WINDOW_MS }, merchant: false },
    });
    expect((await authUrl(gw)).json.code).toBe(0);
    expect((await post(gw.baseUrl, 'getWxAuthUrl', {})).json.code).toBe(10006);
    const over = await authUrl(gw);
    expect(over.json.code).toBe(RATE_LIMITED);
    expect(over.json.msg).toMatch(/client IP/);
    // Longer than the window Redis was given (PX): a promise of the code under test, not a guess.
    await sleep(IP_WINDOW_MS + 1000);
    expect((await authUrl(gw)).json.code).toBe(0);
  });
});
