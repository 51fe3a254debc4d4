import { WechatSimulator } from '../../../simulator/src/wechat-simulator';
import { BuiltCli, buildCli } from '../../../../test/support/cli-runner';
import {
  DEMO_COMPONENT_ACCOUNT,
  DEMO_COMPONENT_MERCHANT,
  DEMO_MODES_SIMULATOR,
  DEMO_SP_APP,
  DEMO_SP_MERCHANT,
  startDemoTicketPushes,
} from '../../../../apps/demo/src/demo-wechat-modes';
import {
  ADAPTERS,
  codeFrom,
  DEMO_MERCHANT,
  DEMO_SECRET,
  DEMO_WECHAT_APP,
  useDemoGateway,
} from '../../../../test/support/gateway';

const RETURN_URL = 'http://localhost:3000/pay/return?order=42';

let cli: BuiltCli;
beforeAll(() => {
  cli = buildCli();
});
afterAll(() => cli?.dispose());

describe('unipay-assist --help', () => {
  it('lists both commands and exits 0', async () => {
    const r = await cli.run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: unipay-assist/);
    expect(r.stdout).toMatch(/auth-url/);
    expect(r.stdout).toMatch(/access-token/);
  });

  it.each([
    [
      'auth-url',
      [
        '--url <url>',
        '--state <state>',
        '--scope <scope>',
        '--server <url>',
        '--secret <secret>',
        '--sign-type <type>',
        '--mch-no <mchNo>',
      ],
    ],
    [
      'access-token',
      [
        '--code <code>',
        '--show-token',
        '--server <url>',
        '--secret <secret>',
        '--sign-type <type>',
        '--mch-no <mchNo>',
      ],
    ],
  ])('%s --help lists its options', async (command, options) => {
    const r = await cli.run([command, '--help']);
    expect(r.code).toBe(0);
    for (const option of options) expect(r.stdout).toContain(option);
    expect(r.stdout).toContain('default: "HMAC_SHA256"');
  });

  it('a missing required option or a bad sign type is a usage error (exit 1) on stderr', async () => {
    const missing = await cli.run(['auth-url', '--server', 'http://127.0.0.1:9', '--url', RETURN_URL]);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toContain("required option '--secret <secret>' not specified");
    const badType = await cli.run([
      'auth-url',
      '--server',
      'http://127.0.0.1:9',
      '--secret',
      's',
      '--url',
      RETURN_URL,
      '--sign-type',
      'SHA1',
    ]);
    expect(badType.code).toBe(1);
    expect(badType.stderr).toContain('must be MD5, HMAC_SHA256 or SM3');
  });
});

describe.each(ADAPTERS)('unipay-assist against the demo gateway over %s', (adapter) => {
  const demo = useDemoGateway(adapter);

  const common = (): string[] => ['--server', demo.gw.baseUrl, '--secret', DEMO_SECRET];

  it('runs the whole flow: auth-url, the simulator redirect, access-token with the token masked', async () => {
    const auth = await cli.run([
      'auth-url',
      ...common(),
      '--url',
      RETURN_URL,
      '--state',
      'st-1',
      '--mch-no',
      DEMO_MERCHANT.mchNo,
    ]);
    expect(auth).toMatchObject({ code: 0, stderr: '' });
    const printed = JSON.parse(auth.stdout);
    expect(Object.keys(printed)).toEqual(['url']);
    expect(printed.url).toMatch(
      new RegExp(`^${demo.sim.baseUrl}/connect/oauth2/authorize\\?appid=${DEMO_WECHAT_APP.appId}&`),
    );
    expect(printed.url).toContain('state=st-1#wechat_redirect');

    const code = await codeFrom(printed.url);
    const token = await cli.run(['access-token', ...common(), '--code', code]);
    expect(token).toMatchObject({ code: 0, stderr: '' });
    const out = JSON.parse(token.stdout);
    expect(out).toEqual({
      openId: WechatSimulator.openIdFor(DEMO_WECHAT_APP.appId, 'demo-user'),
      accessToken: expect.stringMatching(/^SIM_….{4}$/),
    });
  });

  it('--show-token prints the access token in clear; the secret may come from UNIPAY_ASSIST_SECRET', async () => {
    const auth = await cli.run(
      ['auth-url', '--server', demo.gw.baseUrl, '--url', RETURN_URL, '--scope', 'snsapi_userinfo'],
      {
        UNIPAY_ASSIST_SECRET: DEMO_SECRET,
      },
    );
    expect(auth.code).toBe(0);
    const url = JSON.parse(auth.stdout).url as string;
    expect(url).toContain('scope=snsapi_userinfo');
    const token = await cli.run(
      ['access-token', '--server', demo.gw.baseUrl, '--code', await codeFrom(url), '--show-token'],
      {
        UNIPAY_ASSIST_SECRET: DEMO_SECRET,
      },
    );
    expect(token.code).toBe(0);
    expect(JSON.parse(token.stdout).accessToken).toMatch(/^SIM_AT_[A-Za-z0-9_-]{20,}$/);
  });

  it('a wrong secret: exit 2, stderr says the server rejected the signature (20052), nothing on stdout', async () => {
    const r = await cli.run([
      'auth-url',
      '--server',
      demo.gw.baseUrl,
      '--secret',
      'not-the-secret',
      '--url',
      RETURN_URL,
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error 20052: the server rejected the signature/);
    expect(r.stderr).toMatch(/traceId [A-Za-z0-9]{12}/);
    expect(r.stderr).not.toContain('not-the-secret');
  });

  it('a sign type the merchant does not use is rejected the same way', async () => {
    const r = await cli.run(['auth-url', ...common(), '--sign-type', 'md5', '--url', RETURN_URL]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error 20052');
  });

  it('a code WeChat refuses: exit 3 with its errcode, and the code is not echoed', async () => {
    const code = 'bogus-code-0123456789';
    const r = await cli.run(['access-token', ...common(), '--code', code]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error WeChat 40029: WeChat refused: .*\(WeChat errcode 40029\)/);
    expect(r.stderr).not.toContain(code);
  });

  it('an unknown merchant is the envelope error 20023 (exit 2)', async () => {
    const r = await cli.run(['auth-url', ...common(), '--mch-no', 'M0000000000', '--url', RETURN_URL]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error 20023: /);
  });
});

describe('unipay-assist when nothing answers', () => {
  it('exits 5 with a network error', async () => {
    const { createServer } = await import('node:http');
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as { port: number };
    await new Promise<void>((r) => server.close(() => r()));
    const r = await cli.run(['auth-url', '--server', `http://127.0.0.1:${port}`, '--secret', 's', '--url', RETURN_URL]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(
      /^error network: cannot reach http:\/\/127\.0\.0\.1:\d+\/unipay\/assist\/getWxAuthUrl: ECONNREFUSED/,
    );
  });
});

describe.each(ADAPTERS)(
  "unipay-assist against the demo's service-provider and platform merchants over %s",
  (adapter) => {
    const demo = useDemoGateway(adapter, {
      wechatModes: true,
      simulator: { ...DEMO_MODES_SIMULATOR, apps: [DEMO_WECHAT_APP, ...DEMO_MODES_SIMULATOR.apps] },
    });

    const common = (mchNo: string): string[] => [
      '--server',
      demo.gw.baseUrl,
      '--secret',
      DEMO_SECRET,
      '--mch-no',
      mchNo,
    ];

    it('the platform merchant: 29320 (exit 2) before the first ticket, its own openId after', async () => {
      const auth = await cli.run(['auth-url', ...common(DEMO_COMPONENT_MERCHANT.mchNo), '--url', RETURN_URL]);
      expect(auth.code).toBe(0);
      const url = JSON.parse(auth.stdout).url as string;
      expect(url).toContain(`appid=${DEMO_COMPONENT_ACCOUNT}&`);
      expect(url).toContain('component_appid=');
      const early = await cli.run([
        'access-token',
        ...common(DEMO_COMPONENT_MERCHANT.mchNo),
        '--code',
        await codeFrom(url),
      ]);
      expect(early.code).toBe(2);
      expect(early.stderr).toMatch(/^error 29320: /);
      expect(await startDemoTicketPushes(demo.sim, demo.gw.baseUrl)).toBe('success');
      const token = await cli.run([
        'access-token',
        ...common(DEMO_COMPONENT_MERCHANT.mchNo),
        '--code',
        await codeFrom(url),
      ]);
      expect(token.code).toBe(0);
      expect(JSON.parse(token.stdout).openId).toBe(WechatSimulator.openIdFor(DEMO_COMPONENT_ACCOUNT, 'demo-user'));
    });

    it("the service-provider merchant: the provider's appid and openId", async () => {
      const auth = await cli.run(['auth-url', ...common(DEMO_SP_MERCHANT.mchNo), '--url', RETURN_URL]);
      const url = JSON.parse(auth.stdout).url as string;
      expect(url).toContain(`appid=${DEMO_SP_APP.appId}&`);
      const token = await cli.run(['access-token', ...common(DEMO_SP_MERCHANT.mchNo), '--code', await codeFrom(url)]);
      expect(JSON.parse(token.stdout).openId).toBe(WechatSimulator.openIdFor(DEMO_SP_APP.appId, 'demo-user'));
    });
  },
);
