import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
// Each child loads typescript and transpiles src/: slow on a busy machine.
jest.setTimeout(60_000);
const ROOT = join(__dirname, '..', '..');

/** `npm start`'s entry (src/main.ts) with a given environment; resolves whatever the exit. */
async function start(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(ASSIST_|WECHAT_|REDIS_)/.test(k)));
  return run(process.execPath, ['-r', './test/support/ts-register.js', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...clean, PORT: '1', HOST: '127.0.0.1', NO_COLOR: '1', ...env },
    timeout: 45_000,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

const WX_SECRET = 'startup-wx-secret-never-printed';
const SIGN_SECRET = 'startup-sign-secret-never-printed';

describe('npm start with a bad ASSIST_* configuration', () => {
  // Concurrent: each child transpiles src/ on its own, which takes seconds.
  it.concurrent.each([
    ['only ASSIST_MCH_NO', { ASSIST_MCH_NO: 'M1' }, 'unipay-assist merchant #1 (M1): wechat.appId must be a WeChat app id (letters, digits, _ or -)'],
    [
      'no sign secret',
      { ASSIST_MCH_NO: 'M1', ASSIST_WX_APP_ID: 'wx1', ASSIST_WX_APP_SECRET: WX_SECRET },
      'unipay-assist merchant #1 (M1): signSecret is missing',
    ],
    [
      'a word as reqTimeout',
      { ASSIST_MCH_NO: 'M1', ASSIST_WX_APP_ID: 'wx1', ASSIST_WX_APP_SECRET: WX_SECRET, ASSIST_SIGN_SECRET: SIGN_SECRET, ASSIST_REQ_TIMEOUT: 'soon' },
      'unipay-assist merchant #1 (M1): reqTimeout must be an integer number of seconds between 1 and 86400',
    ],
    [
      'the secret pasted as sign type',
      { ASSIST_MCH_NO: 'M1', ASSIST_WX_APP_ID: 'wx1', ASSIST_WX_APP_SECRET: WX_SECRET, ASSIST_SIGN_SECRET: SIGN_SECRET, ASSIST_SIGN_TYPE: SIGN_SECRET },
      'unipay-assist merchant #1 (M1): signType must be one of MD5, HMAC_SHA256, SM3',
    ],
    ['a missing merchants file', { ASSIST_MERCHANTS_FILE: '/nonexistent/merchants.yaml' }, 'unipay-assist merchant (file): ASSIST_MERCHANTS_FILE cannot be read: ENOENT /nonexistent/merchants.yaml'],
  ])('%s: exit 1, one line naming merchant and field, no secret', async (_label, env, line) => {
    const { code, stdout, stderr } = await start(env);
    expect(code).toBe(1);
    expect(stderr).toBe(`${line}\n`);
    expect(stdout).toBe('');
    for (const s of [WX_SECRET, SIGN_SECRET]) expect(stdout + stderr).not.toContain(s);
  });
});
