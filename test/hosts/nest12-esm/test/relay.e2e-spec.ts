import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
// The test itself imports only the NestJS-free subpaths: see the note on the app below.
import { sign, withSign } from 'unipay-assist/client';
import { RunningSimulator, startSimulatorServer } from 'unipay-assist/simulator';
import { SIGN_SECRET, WECHAT_APP } from '../src/host-settings.js';

const signed = (fields: Record<string, unknown>) =>
  withSign({ reqTime: Math.floor(Date.now() / 1000), nonceStr: randomBytes(8).toString('hex'), ...fields }, 'MD5', SIGN_SECRET);

/**
 * The NestJS 12 app runs as a real Node ESM process (dist/src/main.js, built by
 * tsc): jest's module registry cannot require() an ES module before Node 24.9,
 * and @nestjs/throttler (CommonJS) requires the ESM-only @nestjs/common 12,
 * which plain Node >= 20.19 does natively.
 */
describe('NestJS 12 ESM host mounting the packed unipay-assist', () => {
  let sim: RunningSimulator;
  let app: ChildProcess;
  let base: string;
  let loaded: string;
  let output = '';

  const post = async (route: string, body: unknown) => {
    const res = await fetch(`${base}/unipay/assist/${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as any };
  };

  beforeAll(async () => {
    sim = await startSimulatorServer({ apps: [WECHAT_APP] });
    const main = fileURLToPath(new URL('../dist/src/main.js', import.meta.url));
    app = spawn(process.execPath, [main], {
      env: { ...process.env, WECHAT_BASE: sim.baseUrl, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    app.stderr!.on('data', (chunk) => (output += chunk));
    const lines = createInterface({ input: app.stdout! });
    base = await new Promise<string>((resolve, reject) => {
      app.once('exit', (code) => reject(new Error(`host exited ${code} before listening:\n${output}`)));
      lines.on('line', (line) => {
        output += line + '\n';
        if (!line.startsWith('{"listening"')) return;
        const ready = JSON.parse(line) as { listening: string; assist: string };
        loaded = ready.assist;
        resolve(ready.listening);
      });
    });
  });
  afterAll(async () => {
    if (app && app.exitCode === null && app.signalCode === null) {
      app.kill('SIGKILL');
      await once(app, 'exit');
    }
    await sim?.close();
  });

  it('resolves the ESM build through the exports map, with NestJS 12', () => {
    expect(fileURLToPath(loaded)).toMatch(/unipay-assist[\\/]dist[\\/]esm[\\/]index\.js$/);
    const require = createRequire(import.meta.url);
    expect(require('@nestjs/core/package.json')).toMatchObject({ version: expect.stringMatching(/^12\./), type: 'module' });
  });

  it('runs the full flow: auth URL, WeChat consent, code exchange, signed answer, a copy answered from the replay memory', async () => {
    const auth = await post('getWxAuthUrl', signed({ url: 'https://shop.example.com/pay?order=42', state: 'o42' }));
    expect(auth.status).toBe(200);
    expect(auth.json).toMatchObject({ code: 0, msg: 'success', data: { code: 0 } });
    expect(auth.json.data.url.startsWith(`${sim.baseUrl}/connect/oauth2/authorize?appid=${WECHAT_APP.appId}&`)).toBe(true);

    const consent = await fetch(auth.json.data.url, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const redirect = new URL(consent.headers.get('location')!);
    expect(redirect.host).toBe('shop.example.com');
    expect(redirect.searchParams.get('state')).toBe('o42');
    const code = redirect.searchParams.get('code')!;

    const body = signed({ code });
    const token = await post('getWxAccessToken', body);
    expect(token.json.code).toBe(0);
    const { sign: received, ...unsigned } = token.json.data;
    expect(unsigned).toMatchObject({ code: 0, openId: expect.stringMatching(/^o/), accessToken: expect.any(String) });
    expect(JSON.stringify(token.json)).not.toMatch(/refresh/i);
    expect(received).toBe(sign(unsigned, 'MD5', SIGN_SECRET));

    // A copy of the signed body gets the first answer from the replay memory (replay: 'answer', the default).
    const replay = await post('getWxAccessToken', body);
    expect(replay.json).toEqual(token.json);
  });

  it('answers bad input with a clear envelope error', async () => {
    const forged = await post('getWxAccessToken', { ...signed({ code: 'x' }), sign: '0'.repeat(32) });
    expect(forged).toMatchObject({ status: 200, json: { code: 20052, data: null } });
    const offList = await post('getWxAuthUrl', signed({ url: 'https://evil.example.net/' }));
    expect(offList.json.code).toBe(29062);
    const broken = await post('getWxAccessToken', '{"code":');
    expect(broken.status).toBeLessThan(500);
    expect(broken.json).toMatchObject({ code: 10005, data: null });
  });

  it("reports health and metrics through the host's Terminus and registry, and serves the routes in the host's /docs-json", async () => {
    const health = await (await fetch(`${base}/health`)).json();
    expect(health).toMatchObject({
      status: 'ok',
      info: { payments: { status: 'up', redis: 'not configured', wechatBreaker: { [new URL(sim.baseUrl).host]: 'closed' } } },
    });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    // The exchange and its replayed copy: both answered with code 0 (the copy without running again).
    expect(metrics).toMatch(/^host_payments_requests_total\{route="getWxAccessToken",code="0"\} 2$/m);
    expect(metrics).toMatch(/^host_payments_replay_answers_total\{source="stored"\} 1$/m);
    const doc = (await (await fetch(`${base}/docs-json`)).json()) as any;
    const op = doc.paths['/unipay/assist/getWxAccessToken'].post;
    expect(op['x-error-codes'].map((c: { code: number }) => c.code)).toContain(10007);
    expect(doc.paths['/unipay/assist/getWxAuthUrl']).toBeDefined();
  });

  it('closes on SIGTERM through Nest shutdown hooks', async () => {
    const exited = once(app, 'exit');
    app.kill('SIGTERM');
    const [code, signal] = await exited;
    // enableShutdownHooks closes the app, then re-raises the signal.
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
    expect(output).not.toMatch(/error/i);
  });
});
