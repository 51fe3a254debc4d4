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

// The Redis storage (shared budgets, its outage): test/integration/rate-limit-redis.int-spec.ts, redis-outage.int-spec.ts.
describe.each(ADAPTERS)('rate limits over %s (memory storage)', (adapter) => {
  let sim: RunningSimulator;
  const gateways: RunningGateway[] = [];
  const start = async (override: Record<string, unknown>) => {
    const gw = await startMinimalHost({ adapter, wechatBase: sim.baseUrl, override: { merchants, ...override } });
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

  it('limits per client IP, counting even unsigned garbage, with 29063 naming the limit', async () => {
    const gw = await start({ rateLimit: { ip: { limit: 5, windowMs: 60_000 }, merchant: false } });
    for (let i = 0; i < 4; i++) expect((await post(gw.baseUrl, 'getWxAuthUrl', {})).json.code).toBe(10006);
    expect((await authUrl(gw)).json.code).toBe(0);
    const over = await authUrl(gw);
    expect(over.status).toBe(200);
    expect(over.json).toMatchObject({ code: RATE_LIMITED, data: null });
    expect(over.json.msg).toMatch(
      /^rate limit exceeded for this client IP: at most 5 requests per 60 s; retry in \d+ s$/,
    );
    // Both routes share one budget.
    expect((await post(gw.baseUrl, 'getWxAccessToken', signedBody({ code: 'x' }))).json.code).toBe(RATE_LIMITED);
  });

  it('limits per merchant, only counting requests signed by that merchant', async () => {
    const gw = await start({ rateLimit: { ip: false, merchant: { limit: 3, windowMs: 60_000 } } });
    // Someone without the secret naming M1 does not spend its budget.
    for (let i = 0; i < 5; i++) {
      const forged = {
        ...signedBody({ url: 'http://localhost:3000/cb', mchNo: DEMO_MERCHANT.mchNo }),
        sign: 'f'.repeat(64),
      };
      expect((await post(gw.baseUrl, 'getWxAuthUrl', forged)).json.code).toBe(20052);
    }
    for (let i = 0; i < 3; i++) expect((await authUrl(gw)).json.code).toBe(0);
    const over = await authUrl(gw);
    expect(over.json).toMatchObject({ code: RATE_LIMITED, data: null });
    expect(over.json.msg).toMatch(/for this merchant: at most 3 requests per 60 s/);
    // Another merchant from the same IP is not affected.
    expect((await authUrl(gw, { mchNo: 'M2' })).json.code).toBe(0);
  });

  it('lets requests through again once the window has passed', async () => {
    const gw = await start({ rateLimit: { ip: { limit: 2, windowMs: IP_WINDOW_MS }, merchant: false } });
    expect((await authUrl(gw)).json.code).toBe(0);
    expect((await authUrl(gw)).json.code).toBe(0);
    expect((await authUrl(gw)).json.code).toBe(RATE_LIMITED);
    // Longer than the window the storage was given: a promise of the code under test, not a guess.
    await sleep(IP_WINDOW_MS + 1000);
    expect((await authUrl(gw)).json.code).toBe(0);
  });

  it('sets X-RateLimit headers once a tenth of the budget or less is left, and Retry-After with the refusal', async () => {
    const gw = await start({ rateLimit: { ip: false, merchant: { limit: 20, windowMs: 60_000 } } });
    const send = () =>
      fetch(`${gw.baseUrl}/unipay/assist/getWxAuthUrl`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(signedBody({ url: 'http://localhost:3000/cb' })),
      });
    // The first 17 leave 3 or more: far from the limit, no headers on the answer.
    for (let i = 0; i < 17; i++) {
      const res = await send();
      expect(res.headers.get('x-ratelimit-limit-merchant')).toBeNull();
      expect(res.headers.get('x-ratelimit-remaining-merchant')).toBeNull();
    }
    // The 18th leaves 2 (a tenth of 20): from here every answer says how close the limit is.
    for (const left of ['2', '1', '0']) {
      const res = await send();
      expect(res.headers.get('x-ratelimit-limit-merchant')).toBe('20');
      expect(res.headers.get('x-ratelimit-remaining-merchant')).toBe(left);
      expect(Number(res.headers.get('x-ratelimit-reset-merchant'))).toBeGreaterThan(0);
    }
    const refused = await send();
    expect(((await refused.json()) as { code: number }).code).toBe(RATE_LIMITED);
    expect(Number(refused.headers.get('retry-after-merchant'))).toBeGreaterThan(0);
  });
});
