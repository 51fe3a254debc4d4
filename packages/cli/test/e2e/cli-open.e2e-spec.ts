import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_WECHAT_APP } from '../../../../apps/demo/src/demo-merchant';
import { RunningSimulator, startSimulatorServer } from '../../../simulator/src/simulator.server';
import { BuiltCli, buildCli } from '../../../../test/support/cli-runner';
import { ADAPTERS } from '../../../../test/support/gateway';
import {
  MERCHANT_KEY,
  OPEN_MERCHANT,
  OpenGateway,
  PLATFORM_KEY,
  startOpenGateway,
} from '../../../../test/support/open-gateway';
import { rsaPair } from '../../../../test/support/daxpay-open-reference';

let cli: BuiltCli;
let dir: string;
beforeAll(() => {
  cli = buildCli();
  dir = mkdtempSync(join(tmpdir(), 'cli-open-'));
  writeFileSync(join(dir, 'merchant.pem'), MERCHANT_KEY.privateKeyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'platform.pem'), PLATFORM_KEY.publicKeyPem);
  writeFileSync(join(dir, 'small.pem'), rsaPair(1024).privateKeyPem, { mode: 0o600 });
});
afterAll(() => {
  cli?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(ADAPTERS)('unipay-assist open-* against a DaxPay Open merchant (%s)', (adapter) => {
  let sim: RunningSimulator;
  let gw: OpenGateway;
  beforeAll(async () => {
    sim = await startSimulatorServer({ apps: [DEMO_WECHAT_APP] });
    gw = await startOpenGateway(adapter, sim.baseUrl);
  });
  afterAll(async () => {
    await gw?.app.close();
    await sim?.close();
  });

  const env = (): Record<string, string> => ({
    UNIPAY_ASSIST_SERVER: gw.baseUrl,
    UNIPAY_ASSIST_MCH_NO: OPEN_MERCHANT.mchNo,
    UNIPAY_ASSIST_APP_ID: OPEN_MERCHANT.appId as string,
    UNIPAY_ASSIST_PRIVATE_KEY_FILE: join(dir, 'merchant.pem'),
    UNIPAY_ASSIST_PLATFORM_PUBLIC_KEY_FILE: join(dir, 'platform.pem'),
  });

  it('open-ping, open-auth-url, the payer authorizes, open-auth: verified answers as JSON, keys from files', async () => {
    const ping = await cli.run(['open-ping'], env());
    expect(ping).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(ping.stdout)).toMatchObject({ mchNo: OPEN_MERCHANT.mchNo, appFromDefault: false });

    const url = await cli.run(['open-auth-url', '--channel', 'wechat'], env());
    expect(url.code).toBe(0);
    const { authUrl, queryCode } = JSON.parse(url.stdout);
    const callback = (await fetch(authUrl, { redirect: 'manual' })).headers.get('location')!;
    await fetch(callback, { redirect: 'manual' });
    const auth = await cli.run(['open-auth', '--query-code', queryCode], env());
    expect(JSON.parse(auth.stdout)).toMatchObject({ status: 'success', openId: expect.stringMatching(/^o/) });
  });

  it("a refusal exits 2 with DaxPay Open's code; a key under 2048 bits is said without the key", async () => {
    const wrongKey = await cli.run(['open-ping'], {
      ...env(),
      UNIPAY_ASSIST_PLATFORM_PUBLIC_KEY_FILE: join(dir, 'platform.pem'),
      UNIPAY_ASSIST_MCH_NO: 'M404',
    });
    expect(wrongKey.code).toBe(2);
    expect(wrongKey.stderr).toContain('error 20023');
    const small = await cli.run(['open-ping'], { ...env(), UNIPAY_ASSIST_PRIVATE_KEY_FILE: join(dir, 'small.pem') });
    expect(small.code).toBe(1);
    expect(small.stderr).toContain('1024-bit RSA key');
    expect(small.stderr).not.toContain('PRIVATE KEY');
  });
});
