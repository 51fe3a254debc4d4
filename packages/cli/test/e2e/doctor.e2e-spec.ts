import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_MINI_PROGRAM, DEMO_WECHAT_APP } from '../../../../apps/demo/src/demo-merchant';
import { formatDoctorTable, runDoctor } from 'unipay-assist/doctor';
import { RunningAlipaySimulator, startAlipaySimulator } from '../../../simulator/src/alipay-simulator.server';
import { RunningSimulator, startSimulatorServer } from '../../../simulator/src/simulator.server';
import { BuiltCli, buildCli } from '../../../../test/support/cli-runner';

/*
 * `unipay-assist doctor` against the simulators (WeChat, its mini program
 * host, Alipay) and the test Redis: a good configuration exits 0 with every
 * row OK; a broken one names each problem in its row and exits 6. The
 * simulators answer the probe code as WeChat and Alipay do (40029 / 40013 /
 * 40125, isv.code-invalid / invalid-signature / invalid-app-id).
 */

const ALIPAY_APP = '2021000000000001';
const STRONG_SECRET = 'k3Y-0f-the-d0ct0r-test-0123456789';

let wechat: RunningSimulator;
let alipay: RunningAlipaySimulator;
let cli: BuiltCli;
let dir: string;

beforeAll(async () => {
  wechat = await startSimulatorServer({ apps: [DEMO_WECHAT_APP], miniPrograms: [DEMO_MINI_PROGRAM] });
  alipay = await startAlipaySimulator({ apps: [{ appId: ALIPAY_APP }] });
  cli = buildCli({ doctor: true });
  dir = mkdtempSync(join(tmpdir(), 'unipay-doctor-'));
});
afterAll(async () => {
  cli?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await wechat?.close();
  await alipay?.close();
});

function alipayKeys(): { appPrivateKey: string; alipayPublicKey: string } {
  const keys = alipay.appKeys(ALIPAY_APP);
  return { appPrivateKey: keys.appPrivateKey!, alipayPublicKey: keys.alipayPublicKey };
}

function freshKeyPair(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

function goodMerchant(): Record<string, unknown> {
  return {
    mchNo: 'M1',
    appId: 'A1',
    wechat: DEMO_WECHAT_APP,
    miniProgram: DEMO_MINI_PROGRAM,
    alipay: { appId: ALIPAY_APP, ...alipayKeys() },
    signSecret: STRONG_SECRET,
    redirectHosts: ['shop.example.com', '*.example.com'],
  };
}

function writeMerchants(name: string, merchants: unknown[]): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({ merchants }));
  return file;
}

const args = (file: string, ...more: string[]) => [
  'doctor',
  '--merchants-file',
  file,
  '--wechat-api-base',
  wechat.baseUrl,
  '--alipay-gateway',
  alipay.gateway,
  ...more,
];

/** The table's rows as [merchant, check, STATUS, detail]. */
function rowsOf(stdout: string): string[][] {
  return stdout
    .split('\n')
    .slice(2)
    .filter((l) => /\s(OK|WARN|FAIL|SKIP)\s/.test(l))
    .map((l) => {
      const m = /^(\S+)\s+(.+?)\s{2,}(OK|WARN|FAIL|SKIP)\s+(.*)$/.exec(l);
      return m ? [m[1], m[2].trim(), m[3], m[4]] : [l];
    });
}

describe('unipay-assist doctor', () => {
  it('a good configuration: every row OK, Redis with its topology, exit 0', async () => {
    const r = await cli.run(args(writeMerchants('good.json', [goodMerchant()])), {
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(r.stderr).toBe('');
    expect(r.code === 0 ? 'exit 0' : r.stdout).toBe('exit 0');
    const rows = rowsOf(r.stdout);
    expect(rows.map((row) => `${row[0]} ${row[1]} ${row[2]}`)).toEqual([
      'M1/A1 config OK',
      '(relay) merchants OK',
      'M1/A1 sign secret OK',
      'M1/A1 dialect OK',
      'M1/A1 redirect hosts OK',
      'M1/A1 alipay keys OK',
      'M1/A1 wechat app OK',
      'M1/A1 mini program OK',
      'M1/A1 alipay app OK',
      '(relay) redis OK',
    ]);
    expect(r.stdout).toContain(`appId ${DEMO_WECHAT_APP.appId} and its secret accepted (40029 for the probe code)`);
    expect(r.stdout).toContain(`isv.code-invalid for the probe code`);
    expect(r.stdout).toContain('detected from the wire; daxpay-2.0.6 where it cannot tell; reqTime zone Asia/Shanghai');
    expect(r.stdout).toMatch(/\(relay\)\s+redis\s+OK\s+single 127\.0\.0\.1:6379: PONG; role master, \d+ replica\(s\)/);
    expect(r.stdout.trimEnd().endsWith('all checks passed')).toBe(true);
  });

  it('a broken configuration: each problem in its row, no secret or key in the output, exit 6', async () => {
    const stranger = freshKeyPair();
    const merchants = [
      {
        ...goodMerchant(),
        mchNo: 'BADSECRET',
        wechat: { appId: DEMO_WECHAT_APP.appId, appSecret: 'wrong-app-secret-value' },
        alipay: undefined,
        miniProgram: undefined,
      },
      {
        ...goodMerchant(),
        mchNo: 'BADAPPID',
        wechat: { appId: 'wx0000unknown00000', appSecret: 'whatever-secret-x' },
        miniProgram: { appId: DEMO_MINI_PROGRAM.appId, appSecret: 'wrong-mini-secret' },
        alipay: undefined,
      },
      {
        ...goodMerchant(),
        mchNo: 'ALIPRIV',
        alipay: {
          appId: ALIPAY_APP,
          appPrivateKey: stranger.privateKey,
          alipayPublicKey: alipayKeys().alipayPublicKey,
        },
        miniProgram: undefined,
      },
      {
        ...goodMerchant(),
        mchNo: 'ALIPUB',
        alipay: { appId: ALIPAY_APP, appPrivateKey: alipayKeys().appPrivateKey, alipayPublicKey: stranger.publicKey },
        miniProgram: undefined,
      },
      {
        ...goodMerchant(),
        mchNo: 'ALIAPP',
        alipay: { appId: '2021000000009999', ...alipayKeys() },
        miniProgram: undefined,
      },
      {
        ...goodMerchant(),
        mchNo: 'WIDE',
        redirectHosts: ['*.com'],
        signSecret: '123456',
        alipay: undefined,
        miniProgram: undefined,
      },
      { mchNo: 'NOSECRET', wechat: DEMO_WECHAT_APP },
    ];
    const r = await cli.run(args(writeMerchants('broken.json', merchants)), { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(r.code).toBe(6);
    const find = (merchant: string, check: string) =>
      rowsOf(r.stdout).find((row) => row[0].startsWith(merchant) && row[1] === check);
    expect(find('BADSECRET', 'wechat app')).toEqual([
      'BADSECRET/A1',
      'wechat app',
      'FAIL',
      `the AppSecret of ${DEMO_WECHAT_APP.appId} is wrong (40125 invalid appsecret)`,
    ]);
    expect(find('BADAPPID', 'wechat app')?.slice(2)).toEqual([
      'FAIL',
      'WeChat does not know appId wx0000unknown00000 (40013 invalid appid)',
    ]);
    expect(find('BADAPPID', 'mini program')?.slice(2)).toEqual([
      'FAIL',
      `the AppSecret of ${DEMO_MINI_PROGRAM.appId} is wrong (40125 invalid appsecret)`,
    ]);
    expect(find('ALIPRIV', 'alipay app')?.slice(2)).toEqual([
      'FAIL',
      `the app private key does not match the app public key uploaded to Alipay for ${ALIPAY_APP} (isv.invalid-signature)`,
    ]);
    expect(find('ALIPUB', 'alipay app')?.slice(2)).toEqual([
      'FAIL',
      `Alipay's answer does not verify with alipayPublicKey: it is not Alipay's public key for app ${ALIPAY_APP}`,
    ]);
    expect(find('ALIAPP', 'alipay app')?.slice(2)).toEqual([
      'FAIL',
      'Alipay does not know app 2021000000009999, or it is not online (isv.invalid-app-id)',
    ]);
    expect(find('WIDE', 'redirect hosts')?.slice(2)).toEqual(['FAIL', '"*.com" covers a whole public suffix']);
    expect(find('WIDE', 'sign secret')?.slice(2)).toEqual([
      'WARN',
      '1 secret (HMAC_SHA256): #1 has 6 characters; use at least 16 random characters outside a try-out',
    ]);
    expect(find('#7', 'config')?.slice(2)).toEqual([
      'FAIL',
      'unipay-assist merchant #7 (NOSECRET): signSecret is missing',
    ]);
    expect(find('(relay)', 'redis')?.[2]).toBe('FAIL');
    expect(r.stdout).toMatch(/\d+ checks failed\n$/);
    for (const secret of [
      'wrong-app-secret-value',
      'wrong-mini-secret',
      DEMO_WECHAT_APP.appSecret,
      STRONG_SECRET,
      '123456',
      'BEGIN',
      'unipay-assist-doctor-probe',
    ]) {
      expect(r.stdout + r.stderr).not.toContain(secret);
    }
  });

  it('--no-probes: local checks and Redis only; --json prints the report', async () => {
    const r = await cli.run([...args(writeMerchants('noprobe.json', [goodMerchant()])), '--no-probes', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as {
      ok: boolean;
      rows: Array<{ check: string; status: string; detail: string }>;
    };
    expect(report.ok).toBe(true);
    expect(report.rows.filter((row) => row.status === 'skip').map((row) => row.check)).toEqual([
      'wechat app',
      'mini program',
      'alipay app',
      'redis',
    ]);
  });

  it('an unreadable merchants file is one line on stderr and exit 6', async () => {
    const r = await cli.run(['doctor', '--merchants-file', join(dir, 'missing.json')]);
    expect(r.code).toBe(6);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^doctor: unipay-assist merchant \(file\): ASSIST_MERCHANTS_FILE cannot be read: ENOENT/);
  });

  it('runDoctor, the entry point a host calls at start with the module options, gives the same rows', async () => {
    const report = await runDoctor({
      merchants: [goodMerchant()],
      wechat: { apiBase: wechat.baseUrl },
      alipay: { gateway: alipay.gateway },
    });
    expect(report.ok).toBe(true);
    expect(report.rows.find((row) => row.check === 'alipay app')?.status).toBe('ok');
    expect(formatDoctorTable(report)).toContain('all checks passed');
    const broken = await runDoctor({
      merchants: [{ ...goodMerchant(), wechat: { appId: DEMO_WECHAT_APP.appId, appSecret: 'nope-nope' } }],
      wechat: { apiBase: wechat.baseUrl },
      alipay: { gateway: alipay.gateway },
    });
    expect(broken.ok).toBe(false);
    expect(broken.rows.filter((row) => row.status === 'fail').map((row) => row.check)).toEqual(['wechat app']);
  });
});
