#!/usr/bin/env node
// In-process A/B: the CPU each gateway build spends per request, two (or more) builds in ONE
// process, taking turns every few hundred requests. There is no load generator process to share
// the CPU with, and every turn pays the same machine state, so the ratio
// holds on a busy machine where run.mjs's absolute figures drift. On Fastify it measures the Nest
// pipeline (parsing, guards, pipe, handler, interceptor, serialisation), not Node's HTTP server;
// Express (whose response light-my-request cannot stand in for) gets a loopback socket and a
// keep-alive client in the same process, the same cost for every target. run.mjs measures the rest.
//
//   node bench/ab.mjs --targets HEAD~1,WORK --adapter fastify --route getWxAuthUrl
//   node bench/ab.mjs --targets 525c17c,WORK --adapter express --route getWxAccessToken --rounds 30
//
// WORK is the work tree (compiled into bench/.build unless --no-build); FLOOR is the design-card floor
// (bench/nest-floor-card.cjs) in the same harness, FLOOR-SHAPE the same with the gateway route's decorators; NAME=DIR a build already compiled into DIR
// (bench/ablate.mjs); any other name is a git ref (compiled once into bench/.ref/<commit>/build). Output: median CPU µs per request per target,
// its spread over the rounds, and each target's paired ratio to the first (median over rounds).
import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_DIR, DIST, ROOT, issueCodes } from './lib/common.mjs';
import { buildRef } from './lib/ref-build.mjs';
import { builtFile, compileWorkspace } from './lib/workspace-build.mjs';

const { values: args } = parseArgs({
  options: {
    targets: { type: 'string', default: 'HEAD,WORK' },
    adapter: { type: 'string', default: 'fastify' },
    route: { type: 'string', default: 'getWxAuthUrl' },
    rounds: { type: 'string', default: '40' },
    batch: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '16' },
    'no-build': { type: 'boolean', default: false },
    child: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (args.help) {
  console.log(
    'node bench/ab.mjs [--targets REF,WORK] [--adapter fastify|express] [--route getWxAuthUrl|getWxAccessToken]\n' +
      '                  [--rounds 40] [--batch 200] [--concurrency 16] [--no-build]',
  );
  process.exit(0);
}

if (args.child) await child(JSON.parse(args.child));
else await parent();

async function parent() {
  const names = args.targets.split(',').map((t) => t.trim());
  const builds = names.map((name) => {
    if (name === 'FLOOR' || name === 'FLOOR-SHAPE') return { name, dir: null };
    // NAME=DIR: a build made elsewhere (bench/ablate.mjs).
    if (name.includes('=')) return { name: name.slice(0, name.indexOf('=')), dir: name.slice(name.indexOf('=') + 1) };
    if (name !== 'WORK') return { name, dir: buildRef(name) };
    if (!args['no-build']) {
      const errors = compileWorkspace(ROOT, DIST, path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'));
      if (errors) console.log(`(tsc reported errors)\n${errors.slice(0, 2000)}`);
    }
    return { name, dir: DIST };
  });
  const rounds = Number(args.rounds);
  const batch = Number(args.batch);
  const route = args.route;
  // The simulator lives in this process, the gateways in the child: only gateway work is counted.
  const { startSimulatorServer } = await import(builtFile(DIST, 'simulator/simulator.server.js'));
  const { DEMO_WECHAT_APP } = await import(builtFile(DIST, 'demo/demo-merchant.js'));
  const sim = await startSimulatorServer({ apps: [DEMO_WECHAT_APP], host: '127.0.0.1', port: 0 });
  const needed = route === 'getWxAccessToken' ? (rounds + 2) * batch * builds.length : 0;
  const codes = needed > 0 ? await issueCodes(sim.baseUrl, needed, { concurrency: 32 }) : [];
  const logFile = path.join(BENCH_DIR, 'results', 'ab-gateways.log');
  const log = fs.openSync(logFile, 'w');
  const proc = fork(
    new URL(import.meta.url).pathname,
    ['--child', JSON.stringify({ builds, wechatBase: sim.baseUrl })],
    {
      stdio: ['ignore', log, 'inherit', 'ipc'],
      // A full collection before each turn (not counted): no turn pays for the garbage another target left.
      execArgv: [...process.execArgv, '--expose-gc'],
    },
  );
  const result = await new Promise((resolve, reject) => {
    proc.on('message', resolve);
    proc.once('exit', (code) => reject(new Error(`the gateways' process exited (${code}); see ${logFile}`)));
    proc.send({ adapter: args.adapter, route, rounds, batch, concurrency: Number(args.concurrency), codes });
  });
  // The child exits by itself once its answer is sent, so a --cpu-prof in NODE_OPTIONS gets written.
  if (proc.exitCode === null) await new Promise((resolve) => proc.once('exit', resolve));
  await sim.close();
  if (result.error) throw new Error(result.error);
  console.log(
    `in-process A/B, ${args.adapter} ${route}: ${rounds} rounds × ${batch} requests per target, c = ${args.concurrency}, ` +
      `Node ${process.versions.node}; every answer checked (code 0)`,
  );
  for (const t of result.targets) {
    console.log(
      `${t.name.padEnd(14)} ${t.median.toFixed(1).padStart(7)} µs/req  (rounds ${t.low.toFixed(1)}–${t.high.toFixed(1)})  ` +
        `paired ratio to ${result.targets[0].name} ${t.ratio.toFixed(3)} (quartiles ${t.ratioLow.toFixed(3)}–${t.ratioHigh.toFixed(3)})`,
    );
  }
}

async function child({ builds, wechatBase }) {
  const job = await new Promise((resolve) => process.once('message', resolve));
  let answer;
  try {
    answer = await measure(builds, wechatBase, job);
  } catch (err) {
    answer = { error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  process.send(answer, () => process.exit(0));
}

async function measure(builds, wechatBase, { adapter, route, rounds, batch, concurrency, codes }) {
  // As run.mjs starts the gateway: JSON log line per request, metrics, limits on and never reached.
  Object.assign(process.env, {
    LOG_FORMAT: 'json',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    RATE_LIMIT_IP: '1000000000',
    RATE_LIMIT_MERCHANT: '1000000000',
  });
  delete process.env.REDIS_URL;
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  require('reflect-metadata');
  const http = require('node:http');
  const targets = [];
  process.env.WECHAT_API_BASE = wechatBase;
  // FLOOR signs its bodies with the first gateway build's signing (it reads no sign) or the work tree's.
  const signer = builds.find((b) => b.dir !== null)?.dir ?? DIST;
  for (const b of builds) {
    const dir = b.dir ?? signer;
    const { DEMO_MERCHANT } = require(builtFile(dir, 'demo/demo-merchant.js'));
    const { withSign } = require(builtFile(dir, 'signing/signature.js'));
    const app =
      b.dir === null
        ? await require(path.join(BENCH_DIR, 'nest-floor-card.cjs')).createFloorCardApp(adapter, {
            shape: b.name === 'FLOOR-SHAPE' ? 'gateway' : 'card',
          })
        : await require(builtFile(dir, 'demo/create-demo-app.js')).createDemoApp({
            adapter,
            wechatBase,
            structuredLogs: true,
          });
    await app.init();
    const instance = app.getHttpAdapter().getInstance();
    if (adapter === 'fastify') await instance.ready();
    let send;
    if (adapter === 'fastify') send = (opts) => instance.inject(opts);
    else {
      // light-my-request's response loses its write/end once Express swaps the response's prototype:
      // Express gets a loopback socket and a keep-alive client in this process (the same cost for every target).
      await app.listen(0, '127.0.0.1');
      const server = app.getHttpServer();
      // A target idles while the others take their turns: longer than Node's 5 s keep-alive timeout, the server
      // would close the socket the client is about to reuse (ECONNRESET).
      server.keepAliveTimeout = 10 * 60_000;
      const { port } = server.address();
      const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
      send = (opts) =>
        new Promise((resolve, reject) => {
          const req = http.request(
            { host: '127.0.0.1', port, method: opts.method, path: opts.url, headers: opts.headers, agent },
            (res) => {
              let payload = '';
              res.setEncoding('utf8');
              res.on('data', (c) => (payload += c));
              res.on('end', () => resolve({ payload }));
            },
          );
          req.on('error', reject);
          req.end(opts.payload);
        });
    }
    targets.push({ name: b.name, app, send, merchant: DEMO_MERCHANT, withSign, cpu: [] });
  }
  let n = 0;
  let codeAt = 0;
  const body = (t) => {
    const fields =
      route === 'getWxAccessToken' ? { code: codes[codeAt++] } : { url: 'http://127.0.0.1:9000/demo/callback' };
    return JSON.stringify(
      t.withSign(
        { reqTime: Math.floor(Date.now() / 1000), nonceStr: `ab${process.pid}n${(n++).toString(36)}`, ...fields },
        t.merchant.signType,
        t.merchant.signSecret,
      ),
    );
  };
  const run = async (t, count) => {
    const bodies = Array.from({ length: count }, () => body(t));
    let next = 0;
    let bad;
    const worker = async () => {
      while (next < bodies.length) {
        const payload = bodies[next++];
        const res = await t.send({
          method: 'POST',
          url: `/unipay/assist/${route}`,
          headers: { 'content-type': 'application/json' },
          payload,
        });
        const code = JSON.parse(res.payload).code;
        if (code !== 0) bad ??= `${t.name} answered ${res.payload.slice(0, 300)}`;
      }
    };
    globalThis.gc?.();
    const before = process.cpuUsage();
    await Promise.all(Array.from({ length: concurrency }, worker));
    const used = process.cpuUsage(before);
    if (bad) throw new Error(bad);
    return (used.user + used.system) / count;
  };
  // Warm-up: JIT and caches for every target before anything counts.
  for (const t of targets) await run(t, batch);
  for (const t of targets) await run(t, batch);
  for (let r = 0; r < rounds; r++) {
    // Alternate the order so no target always runs right after another's garbage.
    const order = r % 2 === 0 ? targets : [...targets].reverse();
    for (const t of order) t.cpu.push(await run(t, batch));
  }
  for (const t of targets) await t.app.close();
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];
  // Paired: each round's ratio to the first target's turn in the same round, then the median of those,
  // so a burst of load elsewhere moves both sides of a pair rather than the comparison.
  const ratios = (t) => t.cpu.map((c, i) => c / targets[0].cpu[i]);
  return {
    targets: targets.map((t) => ({
      name: t.name,
      median: median(t.cpu),
      low: quantile(t.cpu, 0.1),
      high: quantile(t.cpu, 0.9),
      ratio: median(ratios(t)),
      ratioLow: quantile(ratios(t), 0.25),
      ratioHigh: quantile(ratios(t), 0.75),
    })),
  };
}
