import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { MerchantInput } from '../../src/merchants/merchant';
import { sign } from '../../../wire/src/signing/signature';
import {
  ADAPTERS,
  Answer,
  DEMO_MERCHANT,
  DEMO_SECRET,
  DEMO_WECHAT_APP,
  post,
  signedBody,
} from '../../../../test/support/gateway';
import { startMinimalHost, useMinimalHost } from '../../../../test/support/minimal-host';
import { sleep } from '../../../../test/support/wait';

const BAD_SECRET_MERCHANT: MerchantInput = {
  mchNo: 'M_BADSECRET',
  wechat: { appId: DEMO_WECHAT_APP.appId, appSecret: 'stale-wechat-secret-value' },
  signSecret: 'badsecret-sign-secret',
};
const NO_APP_MERCHANT: MerchantInput = {
  mchNo: 'M_NOAPP',
  wechat: { appId: 'wx0not0registered', appSecret: 'noapp-wechat-secret-value' },
  signSecret: 'noapp-sign-secret',
};
const MERCHANTS = [DEMO_MERCHANT, BAD_SECRET_MERCHANT, NO_APP_MERCHANT];
const SECRETS = [
  DEMO_WECHAT_APP.appSecret,
  'stale-wechat-secret-value',
  'noapp-wechat-secret-value',
  'badsecret-sign-secret',
  'noapp-sign-secret',
];

/** Never a secret, a refresh token or a stack in any answer. */
function expectClean(answer: Answer, ...alsoAbsent: string[]): void {
  expect(answer.status).toBe(200);
  for (const s of [...SECRETS, ...alsoAbsent]) expect(answer.text).not.toContain(s);
  expect(answer.text).not.toMatch(/refresh|SIM_RT_|stack|\bat .+:\d+:\d+/i);
}

/** A signed business failure (outer code 0, data.code 1) whose msg carries the errcode. */
function expectRefusal(answer: Answer, errcode: number, secret = DEMO_SECRET): void {
  expectClean(answer);
  expect(answer.json).toMatchObject({ code: 0, msg: 'success', data: { code: 1 } });
  const data = answer.json.data;
  expect(data.msg).toContain(`WeChat errcode ${errcode}`);
  const { sign: received, ...unsigned } = data;
  expect(received).toBe(sign(unsigned, 'HMAC_SHA256', secret));
  expect(data).not.toHaveProperty('openId');
  expect(data).not.toHaveProperty('accessToken');
}

/** A throwaway upstream that plays a broken WeChat. */
async function fakeWechat(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ base: string; server: Server; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, hits: () => hits };
}

async function closedPort(): Promise<string> {
  const { base, server } = await fakeWechat(() => undefined);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return base;
}

describe.each(ADAPTERS)('WeChat failures over %s', (adapter) => {
  describe('WeChat down, slow or broken: a clear envelope error, never 10001', () => {
    // [label, envelope code, msg, calls WeChat got (where a fake counts them), upstream]
    const cases: [
      string,
      number,
      RegExp,
      number | undefined,
      () => Promise<{ base: string; server?: Server; hits?: () => number }>,
    ][] = [
      [
        'unreachable (closed port)',
        29301,
        /WeChat is unreachable \(ECONNREFUSED\)/,
        undefined,
        async () => ({ base: await closedPort() }),
      ],
      ['slow (never answers)', 29302, /did not answer in time/, 1, () => fakeWechat(() => undefined)],
      [
        'garbled (HTML with 200)',
        29303,
        /not JSON/,
        1,
        () => fakeWechat((_q, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>nginx</html>')),
      ],
      [
        'JSON without openid',
        29303,
        /without openid/,
        1,
        () =>
          fakeWechat((_q, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('{"scope":"snsapi_base"}')),
      ],
      ['HTTP 502', 29304, /HTTP 502/, 1, () => fakeWechat((_q, res) => res.writeHead(502).end('Bad Gateway'))],
      ['a connection reset mid-answer', 29301, /unreachable/, 2, () => fakeWechat((req) => req.socket.destroy())],
    ];

    it.each(cases)('%s -> %d', async (_label, code, msg, calls, makeUpstream) => {
      const upstream = await makeUpstream();
      const gw = await startMinimalHost({
        adapter,
        override: { merchants: MERCHANTS, wechat: { apiBase: upstream.base, openBase: upstream.base, timeoutMs: 300 } },
      });
      try {
        const answer = await post(gw.baseUrl, 'getWxAccessToken', signedBody({ code: 'CODE-THAT-MUST-NOT-LEAK-0001' }));
        expectClean(answer, 'CODE-THAT-MUST-NOT-LEAK-0001');
        expect(answer.json).toEqual({
          code,
          msg: expect.stringMatching(msg),
          data: null,
          traceId: expect.stringMatching(/^[A-Za-z0-9]{12}$/),
        });
        // How often WeChat was asked, not how long it took: only a dropped connection is retried (once);
        // a timeout is not (the slow call may have spent the code), and the silent fake proves the 300 ms timeout fired.
        if (calls !== undefined) expect(upstream.hits?.()).toBe(calls);
        // getWxAuthUrl never calls WeChat, so it keeps working while WeChat is down.
        const auth = await post(gw.baseUrl, 'getWxAuthUrl', signedBody({ url: 'http://localhost/pay' }));
        expect(auth.json).toMatchObject({
          code: 0,
          data: { code: 0, url: expect.stringContaining(`${upstream.base}/connect/oauth2/authorize?`) },
        });
      } finally {
        await gw.close();
        if (upstream.server) {
          upstream.server.closeAllConnections();
          await new Promise<void>((resolve) => upstream.server!.close(() => resolve()));
        }
      }
    });
  });

  describe('WeChat refusals are signed business failures (data.code 1, errcode in msg)', () => {
    const host = useMinimalHost(adapter, {
      simulator: { apps: [DEMO_WECHAT_APP] },
      override: (sim) => ({ merchants: MERCHANTS, wechat: { apiBase: sim.baseUrl, openBase: sim.baseUrl } }),
    });

    it('40029 for a code WeChat never issued', async () => {
      expectRefusal(await post(host.gw.baseUrl, 'getWxAccessToken', signedBody({ code: 'never-issued-code' })), 40029);
    });

    it('40163 for a code already used (here directly at WeChat, outside the relay)', async () => {
      const code = host.sim.simulator.issueCode(DEMO_WECHAT_APP.appId);
      const direct = await fetch(
        `${host.sim.baseUrl}/sns/oauth2/access_token?appid=${DEMO_WECHAT_APP.appId}&secret=${DEMO_WECHAT_APP.appSecret}&code=${code}&grant_type=authorization_code`,
      );
      expect(JSON.parse(await direct.text())).toHaveProperty('openid');
      expectRefusal(await post(host.gw.baseUrl, 'getWxAccessToken', signedBody({ code })), 40163);
    });

    it('the same code sent again by the same merchant gets the same answer, not 40163 (idempotent relay)', async () => {
      const code = host.sim.simulator.issueCode(DEMO_WECHAT_APP.appId);
      const first = await post(host.gw.baseUrl, 'getWxAccessToken', signedBody({ code }));
      const again = await post(host.gw.baseUrl, 'getWxAccessToken', signedBody({ code }));
      expect(first.json.data).toMatchObject({ code: 0, openId: expect.stringMatching(/^o/) });
      expect(again.json.data).toMatchObject({
        code: 0,
        openId: first.json.data.openId,
        accessToken: first.json.data.accessToken,
      });
    });

    it('40125 for a merchant whose WeChat AppSecret is wrong', async () => {
      const code = host.sim.simulator.issueCode(DEMO_WECHAT_APP.appId);
      const answer = await post(
        host.gw.baseUrl,
        'getWxAccessToken',
        signedBody({ mchNo: 'M_BADSECRET', code }, 'badsecret-sign-secret'),
      );
      expectRefusal(answer, 40125, 'badsecret-sign-secret');
      expect(answer.json.data.msg).toMatch(/appsecret is invalid/);
    });

    it('40013 for a merchant whose WeChat appid WeChat does not know', async () => {
      const answer = await post(
        host.gw.baseUrl,
        'getWxAccessToken',
        signedBody({ mchNo: 'M_NOAPP', code: 'any-code' }, 'noapp-sign-secret'),
      );
      expectRefusal(answer, 40013, 'noapp-sign-secret');
    });

    it.each([
      [40164, /IP whitelist/],
      [45011, /rate limit/],
      [50001, /not authorised/],
      [48001, /WeChat refused the request/],
    ])('%d (injected at the simulator) with a clear reason', async (errcode, reason) => {
      host.sim.simulator.faults.add([{ kind: 'errcode', errcode, times: 1 }]);
      const answer = await post(
        host.gw.baseUrl,
        'getWxAccessToken',
        signedBody({ code: host.sim.simulator.issueCode(DEMO_WECHAT_APP.appId) }),
      );
      expectRefusal(answer, errcode);
      expect(answer.json.data.msg).toMatch(reason);
    });
  });

  describe('42003 for an expired code', () => {
    const host = useMinimalHost(adapter, { simulator: { apps: [DEMO_WECHAT_APP], codeTtlMs: 50 } });

    it('a code older than its life is refused with 42003', async () => {
      const code = host.sim.simulator.issueCode(DEMO_WECHAT_APP.appId);
      // Longer than the 50 ms the simulator gives a code: its own promise, not a guess.
      await sleep(120);
      expectRefusal(await post(host.gw.baseUrl, 'getWxAccessToken', signedBody({ code })), 42003);
    });
  });
});
