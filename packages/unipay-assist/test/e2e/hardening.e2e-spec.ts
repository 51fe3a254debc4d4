import { DEMO_WECHAT_APP } from '../../../../apps/demo/src/demo-merchant';
import { createDemoApp } from '../../../../apps/demo/src/create-demo-app';
import type { Server } from 'node:http';
import { postChannelAuth, useChannelAuthGateway } from '../../../../test/support/channel-auth-gateway';
import {
  ADAPTERS,
  post,
  RunningGateway,
  signedBody,
  startGateway,
  startSimulator,
} from '../../../../test/support/gateway';
import { SHARED_REDIS_URL, uniquePrefix } from '../../../../test/support/redis-server';
import { RunningSimulator } from '../../../simulator/src/simulator.server';

/** The smaller findings of the second security round, one test each, over both adapters. */
describe.each(ADAPTERS)('hardening, over %s', (adapter) => {
  const gw = useChannelAuthGateway(adapter, {
    override: { redisUrl: SHARED_REDIS_URL, redisKeyPrefix: uniquePrefix('harden') },
  });

  it('every relay answer, an identity above all, is Cache-Control: no-store (fresh, replayed, channel auth)', async () => {
    const code = gw.sim.simulator.issueCode(DEMO_WECHAT_APP.appId, 'cached-nowhere');
    const body = signedBody({ code });
    for (const answer of [
      await fetch(`${gw.baseUrl}/unipay/assist/getWxAccessToken`, req(body)),
      await fetch(`${gw.baseUrl}/unipay/assist/getWxAccessToken`, req(body)),
    ]) {
      expect(((await answer.json()) as { data: { openId?: string } }).data.openId).toBeDefined();
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
    const auth = await fetch(
      `${gw.baseUrl}/unipay/assist/channel/auth/auth`,
      req(signedBody({ channel: 'wechat_pay', authCode: gw.sim.simulator.issueCode(DEMO_WECHAT_APP.appId, 'u2') })),
    );
    expect(auth.headers.get('cache-control')).toBe('no-store');
    const url = await fetch(
      `${gw.baseUrl}/unipay/assist/getWxAuthUrl`,
      req(signedBody({ url: 'http://127.0.0.1:3000/x' })),
    );
    expect(url.headers.get('cache-control')).toBe('no-store');
  });

  it('no X-Powered-By on the relay, the demo pages or the docs', async () => {
    for (const path of ['/unipay/assist/getWxAuthUrl', '/', '/hosted', '/docs-json', '/health']) {
      const res = await fetch(
        `${gw.baseUrl}${path}`,
        path.startsWith('/unipay') ? req(signedBody({ url: 'http://127.0.0.1:3000/x' })) : {},
      );
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  it("the demo pages send the hosted pages' headers (nosniff, no framing, no referrer, no-store, CSP); /docs has a CSP too", async () => {
    for (const path of ['/', '/hosted']) {
      const res = await fetch(`${gw.baseUrl}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
    for (const path of ['/docs', '/docs-json']) {
      const res = await fetch(`${gw.baseUrl}${path}`);
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('/health names no Redis address unless the host asks', async () => {
    const body = (await (await fetch(`${gw.baseUrl}/health`)).json()) as {
      info: { unipayAssist: Record<string, unknown> };
    };
    // (wechatBreaker names the upstream API host, here the simulator's loopback address: public in production.)
    const topology = JSON.stringify(body.info.unipayAssist.redisTopology);
    expect(body.info.unipayAssist.redis).toBe('up');
    expect(body.info.unipayAssist.redisTopology).toEqual({
      kind: 'single',
      deployment: 'single',
      nodes: [{ role: 'master', status: 'ready' }],
    });
    expect(topology).not.toMatch(/127\.0\.0\.1|6379|::1/);
  });

  it('redirect_uri goes to WeChat in the normalised form the allow-list checked', async () => {
    const r = await post(gw.baseUrl, 'getWxAuthUrl', signedBody({ url: 'HTTP://LOCALHOST:3000/a/./b/../c?x=1' }));
    const sent = new URL(r.json.data.url.split('#')[0]).searchParams.get('redirect_uri');
    expect(sent).toBe('http://localhost:3000/a/c?x=1');
    const gen = await postChannelAuth(
      gw.baseUrl,
      'generateAuthUrl',
      signedBody({ channel: 'wechat_pay', authPath: 'HTTP://127.0.0.1:3000/p/../q' }),
    );
    const page = new URL(new URL(gen.json.data.authUrl.split('#')[0]).searchParams.get('redirect_uri')!);
    expect(page.origin + page.pathname).toBe('http://127.0.0.1:3000/q');
  });
});

describe.each(ADAPTERS)('bad JSON counts against the per-IP limit, over %s', (adapter) => {
  let sim: RunningSimulator;
  let gw: RunningGateway;
  beforeAll(async () => {
    sim = await startSimulator();
    gw = await startGateway({
      adapter,
      wechatBase: sim.baseUrl,
      override: { rateLimit: { ip: { limit: 3, windowMs: 60_000 }, merchant: false } },
    });
  });
  afterAll(async () => {
    await gw.close();
    await sim.close();
  });

  it('the 4th malformed body from one IP is 29063, as a 4th signed request would be', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 5; i++)
      codes.push(
        (await post(gw.baseUrl, 'getWxAccessToken', '{"code": ', { 'content-type': 'application/json' })).json.code,
      );
    expect(codes.slice(0, 3).every((c) => c !== 29063)).toBe(true);
    expect(codes.slice(3)).toEqual([29063, 29063]);
    // The limit covers well-formed requests too, from the same budget.
    expect((await post(gw.baseUrl, 'getWxAuthUrl', signedBody({ url: 'http://127.0.0.1:3000/x' }))).json.code).toBe(
      29063,
    );
  });
});

describe('the demo sets header and request timeouts on its server', () => {
  it.each(ADAPTERS)(
    '%s: headersTimeout 10 s and requestTimeout 30 s by default, from HEADERS_TIMEOUT_MS / REQUEST_TIMEOUT_MS otherwise',
    async (adapter) => {
      const app = await createDemoApp({ adapter, logger: false });
      const server = app.getHttpServer() as Server;
      expect(server.headersTimeout).toBe(10_000);
      expect(server.requestTimeout).toBe(30_000);
      await app.close();
      process.env.HEADERS_TIMEOUT_MS = '2000';
      process.env.REQUEST_TIMEOUT_MS = '5000';
      try {
        const tuned = await createDemoApp({ adapter, logger: false });
        expect((tuned.getHttpServer() as Server).headersTimeout).toBe(2000);
        expect((tuned.getHttpServer() as Server).requestTimeout).toBe(5000);
        await tuned.close();
      } finally {
        delete process.env.HEADERS_TIMEOUT_MS;
        delete process.env.REQUEST_TIMEOUT_MS;
      }
    },
  );
});

function req(body: unknown): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
