import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CompiledApp, compileApp } from '../../../../test/support/compiled-app';

const run = promisify(execFile);
jest.setTimeout(60_000);

let app: CompiledApp;
// Once for the suite: each child then runs plain JavaScript, instead of five children
// each loading typescript and transpiling src/ at once (which a busy machine did not finish in time).
beforeAll(() => {
  app = compileApp();
}, 180_000);
afterAll(() => app?.dispose());

/** `npm start`'s entry (main.js) with a given environment; resolves whatever the exit. */
async function start(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(ASSIST_|WECHAT_|REDIS_)/.test(k)));
  return run(process.execPath, [join(app.dir, 'main.js')], {
    env: { ...clean, ...app.env, PORT: '1', HOST: '127.0.0.1', NO_COLOR: '1', ...env },
    // Only a backstop under jest's timeout: a child that reads its env and exits needs a second or two.
    timeout: 50_000,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code: number | null; stdout: string; stderr: string }) => ({
      code: e.code,
      stdout: e.stdout,
      stderr: e.stderr,
    }),
  );
}

const WX_SECRET = 'startup-wx-secret-never-printed';
const SIGN_SECRET = 'startup-sign-secret-never-printed';

describe('npm start with a bad ASSIST_* configuration', () => {
  it.each([
    [
      'only ASSIST_MCH_NO',
      { ASSIST_MCH_NO: 'M1' },
      'unipay-assist merchant #1 (M1): wechat.appId must be a WeChat app id (letters, digits, _ or -)',
    ],
    [
      'no sign secret',
      { ASSIST_MCH_NO: 'M1', ASSIST_WX_APP_ID: 'wx1', ASSIST_WX_APP_SECRET: WX_SECRET },
      'unipay-assist merchant #1 (M1): signSecret is missing',
    ],
    [
      'a word as reqTimeout',
      {
        ASSIST_MCH_NO: 'M1',
        ASSIST_WX_APP_ID: 'wx1',
        ASSIST_WX_APP_SECRET: WX_SECRET,
        ASSIST_SIGN_SECRET: SIGN_SECRET,
        ASSIST_REQ_TIMEOUT: 'soon',
      },
      'unipay-assist merchant #1 (M1): reqTimeout must be an integer number of seconds between 1 and 86400',
    ],
    [
      'the secret pasted as sign type',
      {
        ASSIST_MCH_NO: 'M1',
        ASSIST_WX_APP_ID: 'wx1',
        ASSIST_WX_APP_SECRET: WX_SECRET,
        ASSIST_SIGN_SECRET: SIGN_SECRET,
        ASSIST_SIGN_TYPE: SIGN_SECRET,
      },
      'unipay-assist merchant #1 (M1): signType must be one of MD5, HMAC_SHA256, SM3',
    ],
    [
      'a missing merchants file',
      { ASSIST_MERCHANTS_FILE: '/nonexistent/merchants.yaml' },
      'unipay-assist merchant (file): ASSIST_MERCHANTS_FILE cannot be read: ENOENT /nonexistent/merchants.yaml',
    ],
  ])('%s: exit 1, one line naming merchant and field, no secret', async (_label, env, line) => {
    const { code, stdout, stderr } = await start(env);
    expect(code).toBe(1);
    expect(stderr).toBe(`${line}\n`);
    expect(stdout).toBe('');
    for (const s of [WX_SECRET, SIGN_SECRET]) expect(stdout + stderr).not.toContain(s);
  });
});
