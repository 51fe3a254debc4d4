import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { DaxPayOpenClient } from '../../../../packages/client/src';
import { Redis } from 'ioredis';
import { DEMO_WECHAT_APP } from '../../src/demo-merchant';
import { CompiledApp, compileApp } from '../../../../test/support/compiled-app';
import { ADAPTERS, post, signedBody } from '../../../../test/support/gateway';
import { freePort, PrivateRedis, uniquePrefix, waitFor } from '../../../../test/support/redis-server';

const ACCESS_TOKEN = 'ACCESS-TOKEN-never-in-logs-0123456789';
const SLOW_MS = 1500;

/**
 * A WeChat stand-in that answers the code exchange after SLOW_MS: requests
 * are still in flight when the demo gets SIGTERM.
 */
function startSlowWechat(): Promise<{ server: Server; base: string; received: string[] }> {
  const received: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    received.push(url.searchParams.get('code') ?? '');
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(
        JSON.stringify({
          access_token: ACCESS_TOKEN,
          expires_in: 7200,
          refresh_token: 'REFRESH-never-anywhere',
          openid: `oSLOW${url.searchParams.get('code')?.slice(0, 6)}`,
          scope: 'snsapi_base',
        }),
      );
    }, SLOW_MS);
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () =>
      done({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received }),
    ),
  );
}

interface Demo {
  proc: ChildProcess;
  base: string;
  lines: string[];
  stderr: () => string;
}

async function startDemo(app: CompiledApp, env: Record<string, string>): Promise<Demo> {
  const port = await freePort();
  const lines: string[] = [];
  let stderr = '';
  const proc = spawn(process.execPath, [join(app.dir, 'main.js')], {
    env: { PATH: process.env.PATH ?? '', ...app.env, PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buf = '';
  proc.stdout.on('data', (chunk: Buffer) => {
    buf += chunk.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts.filter(Boolean));
  });
  proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const base = `http://127.0.0.1:${port}`;
  const up = await waitFor(async () => {
    if (proc.exitCode !== null) return true;
    try {
      return (await fetch(`${base}/health`)).status === 200;
    } catch {
      return false;
    }
  }, 20_000);
  if (!up || proc.exitCode !== null) throw new Error(`demo did not start: ${stderr}\n${lines.join('\n')}`);
  return { proc, base, lines, stderr: () => stderr };
}

describe('the demo process (npm start): JSON logs, docs, graceful shutdown', () => {
  let compiled: CompiledApp;
  let wechat: Awaited<ReturnType<typeof startSlowWechat>>;

  beforeAll(() => {
    // The demo as `npm start` runs it, compiled to a scratch directory (not dist/, which others may be rebuilding).
    compiled = compileApp();
  }, 180_000);
  beforeAll(async () => {
    wechat = await startSlowWechat();
  });
  afterAll(async () => {
    wechat?.server.closeAllConnections();
    await new Promise((r) => wechat?.server.close(r));
    compiled?.dispose();
  });

  describe.each(ADAPTERS)('over %s', (adapter) => {
    let redis: PrivateRedis;
    let demo: Demo;
    let keysDir: string;

    beforeAll(async () => {
      redis = await PrivateRedis.start();
      keysDir = mkdtempSync(join(tmpdir(), 'demo-keys-'));
      demo = await startDemo(compiled, {
        DEMO_KEYS_DIR: keysDir,
        HTTP_ADAPTER: adapter,
        WECHAT_API_BASE: wechat.base,
        WECHAT_OPEN_BASE: wechat.base,
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: uniquePrefix('demo-process'),
      });
    }, 60_000);
    afterAll(async () => {
      if (demo && demo.proc.exitCode === null && demo.proc.signalCode === null) {
        demo.proc.kill('SIGKILL');
        await once(demo.proc, 'exit');
      }
      await redis?.stop();
      if (keysDir) rmSync(keysDir, { recursive: true, force: true });
    });

    it('serves /docs (Swagger UI), /docs-json and /metrics', async () => {
      const ui = await fetch(`${demo.base}/docs`);
      expect(ui.status).toBe(200);
      expect(await ui.text()).toContain('swagger-ui');
      const doc = (await (await fetch(`${demo.base}/docs-json`)).json()) as { paths: Record<string, unknown> };
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/unipay/assist/getWxAccessToken', '/unipay/assist/getWxAuthUrl']),
      );
      const metrics = await (await fetch(`${demo.base}/metrics`)).text();
      expect(metrics).toContain('# TYPE unipay_assist_requests_total counter');
      expect(metrics).toContain('process_cpu_user_seconds_total');
    });

    it("writes a quiet gateway's request line with no more traffic (buffered stdout, flushed every second)", async () => {
      const answer = await post(demo.base, 'getWxAuthUrl', signedBody({ url: 'http://localhost:3000/pay/return' }));
      expect(answer.json).toMatchObject({ code: 0 });
      // One small line is far below the 4 KiB buffer: only the periodic flush can bring it out.
      const traceId = String(answer.json.traceId);
      expect(await waitFor(() => demo.lines.some((l) => l.includes(`"traceId":"${traceId}"`)))).toBe(true);
    });

    it("makes the DaxPay Open demo merchant's and the platform's key pairs, says where the client's files are, and answers a client using them", async () => {
      const note = demo.lines
        .map((l) => String((JSON.parse(l) as { msg?: unknown }).msg))
        .find((m) => m.includes('DaxPay Open demo merchant'));
      expect(note).toBeDefined();
      const privateKeyFile = /its private key is at (\S+),/.exec(note!)![1];
      const platformFile = /the platform public key at (\S+)/.exec(note!)![1];
      expect(privateKeyFile.startsWith(keysDir)).toBe(true);
      expect(statSync(privateKeyFile).mode & 0o077).toBe(0);
      const client = new DaxPayOpenClient({
        baseUrl: demo.base,
        mchNo: 'M4000000001',
        privateKey: readFileSync(privateKeyFile, 'utf8'),
        platformPublicKey: readFileSync(platformFile, 'utf8'),
      });
      expect(await client.ping()).toMatchObject({ mchNo: 'M4000000001', appId: 'A4000000001', appFromDefault: true });
      expect(demo.lines.join('\n')).not.toContain('PRIVATE KEY');
    });

    it('finishes an in-flight request on SIGTERM, closes Redis and exits 0, logging JSON lines with traceIds and no secrets', async () => {
      const code = `slowcode${adapter}0001`;
      const pending = post(demo.base, 'getWxAccessToken', signedBody({ code }));
      expect(await waitFor(() => wechat.received.includes(code))).toBe(true);
      // 'close', not 'exit': stdout may still hold the last lines when the process has exited.
      const exited = once(demo.proc, 'close');
      demo.proc.kill('SIGTERM');

      const answer = await pending;
      expect(answer.json).toMatchObject({ code: 0, data: { code: 0, accessToken: ACCESS_TOKEN } });
      const [exitCode, signal] = await exited;
      // Exit 0 (and 'closed' last, below): a drained shutdown, not the SHUTDOWN_TIMEOUT_MS force exit, which exits 1.
      expect({ exitCode, signal }).toEqual({ exitCode: 0, signal: null });
      // Closed for good: nothing listens any more.
      await expect(fetch(`${demo.base}/health`)).rejects.toThrow();
      // The module's Redis connection was closed with QUIT, not dropped.
      const probe = new Redis(redis.url);
      try {
        expect(await probe.info('commandstats')).toMatch(/^cmdstat_quit:calls=[1-9]/m);
      } finally {
        probe.disconnect();
      }

      expect(demo.stderr()).toBe('');
      const records = demo.lines.map((l) => JSON.parse(l) as Record<string, unknown>); // every stdout line is JSON
      const exchanged = records.find((r) => r.event === 'wechat.exchanged');
      expect(exchanged).toMatchObject({ traceId: answer.json.traceId, level: 30 });
      // One line per relay request, the module's own (no second access line from an HTTP logger).
      const ofRequest = records.filter((r) => r.traceId === answer.json.traceId);
      expect(ofRequest.map((r) => r.event)).toEqual(['wechat.exchanged']);
      expect(String(ofRequest[0].msg)).toContain('route=getWxAccessToken');
      expect(records.some((r) => String(r.msg).startsWith('SIGTERM: draining'))).toBe(true);
      expect(records.at(-1)?.msg).toBe('closed');

      const all = demo.lines.join('\n');
      for (const secret of [ACCESS_TOKEN, code, DEMO_WECHAT_APP.appSecret, 'REFRESH-never-anywhere', 'key=123456']) {
        expect(all).not.toContain(secret);
      }
    }, 30_000);
  });
});
