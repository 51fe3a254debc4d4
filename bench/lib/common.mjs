// Helpers shared by the bench scripts. Plain ESM so `npm run bench` needs no
// compile step of its own; the relay's pure modules come from the bench's build.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer, request as httpRequest, Agent } from 'node:http';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { builtFile } from './workspace-build.mjs';
import fs from 'node:fs';

export const BENCH_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const ROOT = path.dirname(BENCH_DIR);
// The bench compiles its own copy of src (run.mjs does it) instead of using
// dist/: others may be rebuilding dist/ (which starts with a clean) mid-run.
export const DIST = process.env.BENCH_DIST ? path.resolve(process.env.BENCH_DIST) : path.join(BENCH_DIR, '.build');

const require = createRequire(import.meta.url);
/** The relay's own pure modules (no NestJS), as built by `npm run build`. */
export function dist(rel) {
  return require(builtFile(DIST, rel));
}

export const ROUTE_PREFIX = '/unipay/assist';

/** A free loopback port (the tiny race before the child binds it is acceptable for a bench). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Spawns a node process with its output in a log file (what a real deployment does with logs). */
export function startNode(name, args, { env = {}, logDir, nodeArgs = [], execPath = process.execPath } = {}) {
  const logFile = path.join(logDir, `${name}.log`);
  const fd = fs.openSync(logFile, 'w');
  const child = spawn(execPath, [...nodeArgs, ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', fd, fd, 'ipc'],
  });
  fs.closeSync(fd);
  let exited = null;
  child.once('exit', (code, signal) => (exited = { code, signal }));
  return {
    name,
    child,
    logFile,
    get exited() {
      return exited;
    },
    tail(bytes = 2000) {
      try {
        const text = fs.readFileSync(logFile, 'utf8');
        return text.slice(-bytes);
      } catch {
        return '';
      }
    },
    async stop(signal = 'SIGTERM', graceMs = 5000) {
      if (exited) return exited;
      const done = new Promise((resolve) => child.once('exit', (code, sig) => resolve({ code, signal: sig })));
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const r = await done;
      clearTimeout(timer);
      return r;
    },
  };
}

/** One HTTP request on loopback; resolves { status, headers, text }. */
export function httpCall(url, { method = 'GET', body, headers = {}, agent } = {}) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout ${method} ${url}`)));
    req.end(body);
  });
}

/** Waits until a process answers HTTP at url (any status), or fails with its log tail. */
export async function waitHttp(proc, url, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exited) throw new Error(`${proc.name} exited (${JSON.stringify(proc.exited)}):\n${proc.tail()}`);
    try {
      await httpCall(url, { method: 'GET' });
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${proc.name} did not answer at ${url}:\n${proc.tail()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}

/** The demo merchant every target knows (public demo values, see src/demo). */
export function demoMerchant() {
  const { DEMO_MERCHANT, DEMO_WECHAT_APP } = dist('demo/demo-merchant.js');
  return { merchant: DEMO_MERCHANT, app: DEMO_WECHAT_APP };
}

/** A body signed as a DaxPay client signs it, with a fresh nonce so each one is distinct. */
export function makeSigner() {
  const { withSign } = dist('signing/signature.js');
  const { merchant } = demoMerchant();
  let n = 0;
  const salt = randomBytes(4).toString('hex');
  return (fields, reqTime = nowSeconds()) =>
    JSON.stringify(
      withSign(
        { reqTime, nonceStr: `${salt}${(n++).toString(36)}`, ...fields },
        merchant.signType,
        merchant.signSecret,
      ),
    );
}

/**
 * Fresh single-use codes from the simulator's authorize endpoint, the way a
 * user's browser gets them (302 to redirect_uri?code=...).
 */
export async function issueCodes(simBase, count, { concurrency = 32 } = {}) {
  const { app } = demoMerchant();
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const url =
    `${simBase}/connect/oauth2/authorize?appid=${encodeURIComponent(app.appId)}` +
    `&redirect_uri=${encodeURIComponent('http://127.0.0.1/cb')}&response_type=code&scope=snsapi_base&state=bench`;
  const codes = new Array(count);
  let next = 0;
  async function worker() {
    while (next < count) {
      const i = next++;
      const res = await httpCall(url, { agent });
      const loc = res.headers.location;
      if (res.status !== 302 || !loc) throw new Error(`simulator authorize answered ${res.status}`);
      codes[i] = new URL(loc).searchParams.get('code');
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  agent.destroy();
  return codes;
}

export function round(x, digits = 0) {
  if (x === undefined || x === null || Number.isNaN(x)) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
