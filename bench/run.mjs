// `npm run bench`: the relay on Express and on Fastify against a bare
// node:http baseline and against NestJS floors, all talking to one standalone
// WeChat simulator, each a separate process, loaded from another process
// (autocannon). Writes bench/results/latest.{json,md} (smoke: smoke.{json,md}).
//
// Targets (each answer of each is checked):
//   baseline            bench/baseline-relay.mjs: the relay's work on bare node:http
//   floor-express|-fastify            bench/nest-floor.cjs: NestJS with one do-nothing route (memory case, getWxAuthUrl)
//   floor-card-express|-fastify       bench/nest-floor-card.cjs: the design-card floor, NestJS with a pass-through
//                       guard, an identity pipe and an envelope interceptor per route, and the same WeChat
//                       round trip as the baseline on getWxAccessToken (every case, every route): the
//                       reference of the targets
//   express|fastify     the gateway (main.js) as npm start runs it: envelope interceptor, per-request
//                       log line (nestjs-pino, JSON), metrics, rate limits on with limits never reached
//   express-lean|fastify-lean         the gateway with the rate limiter off and LOG_LEVEL=warn (memory case)
//
//   node bench/run.mjs [--smoke] [--no-redis] [--redis-url URL] [--no-build]
//                      [--duration S] [--connections 1,16,64] [--targets baseline,express,fastify]
//                      [--routes getWxAuthUrl,getWxAccessToken] [--profile] [--no-micro] [--no-retry] [--no-latency]
// BENCH_SMOKE=1 is --smoke: a few seconds per case, for CI (fails only on wrong answers, not on ratios).
import { fork, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_DIR, DIST, ROOT, freePort, httpCall, round, startNode, waitHttp } from './lib/common.mjs';
import { builtFile, compileWorkspace } from './lib/workspace-build.mjs';
import { buildRef } from './lib/ref-build.mjs';
import { addedLatencyIntro, addedLatencyTable } from './lib/added-latency.mjs';
import { summarizeProfile } from './lib/profile-summary.mjs';

const started = Date.now();
const LOAD_AT_START = os.loadavg()[0];
const args = parseArgs(process.argv.slice(2));
if (args.help) {
  console.log(`npm run bench [-- options]   (BENCH_SMOKE=1 = --smoke)
  --smoke                 a short run for CI (~40 s); exit 1 on any wrong answer
  --no-redis              skip the Redis case (default: run it when Redis answers)
  --redis-url URL         Redis for the Redis case (default REDIS_URL or redis://127.0.0.1:6379)
  --duration S            seconds per measured run (default 5, smoke 1)
  --connections 1,16,64   concurrency levels (smoke: 16)
  --targets LIST          baseline,floor-express,floor-fastify,floor-card-express,floor-card-fastify,
                          express,fastify,express-lean,fastify-lean (default: all; smoke: baseline,express,fastify)
                            baseline      bare node:http relay (bench/baseline-relay.mjs)
                            floor-*       NestJS, one do-nothing route (bench/nest-floor.cjs; memory, getWxAuthUrl)
                            floor-card-*  design-card floor (bench/nest-floor-card.cjs): pass-through guard,
                                          identity pipe, envelope interceptor, the baseline's WeChat round trip
                            express, fastify  the gateway: envelope interceptor, per-request log line,
                                          metrics, rate limits on (never reached)
                            *-lean        the gateway, rate limiter off, LOG_LEVEL=warn (memory case)
                            express@REF, fastify@REF  the gateway built from git ref REF (before/after in one run;
                                          its packages must be installed in this tree)
                            TARGET+nobind experiment: TARGET with Node's AsyncResource bind minus its
                                          deprecated accessors (bench/lib/async-bind-without-dep0172.cjs)
  --routes LIST           getWxAuthUrl,getWxAccessToken,replayedRetry,cachedExchange (smoke: the first two)
                            replayedRetry   the same signed getWxAccessToken body again: the stored answer
                            cachedExchange  a re-signed body with a code already exchanged: the exchange cache
  --repeat N              N measured runs per row, the targets taking turns; each figure is the median (default 1)
  --no-micro --no-retry   skip the micro-benchmarks / the idempotent-retry timing
  --no-latency            skip the added-latency row (getWxAccessToken, WeChat answering in BENCH_WECHAT_LATENCY_MS)
  --no-build              reuse bench/.build
  --profile               CPU-profile the gateways, the baseline and the design-card floors under load
                          (bench/results/profiles; node bench/lib/profile-groups.mjs FILE groups self time)
  --out NAME              write bench/results/NAME.{json,md} (default latest)
env: BENCH_GATEWAY_NODE_ARGS (Node flags for the gateways), BENCH_KEEP_LOGS=1 (keep the processes' logs),
     BENCH_RATE_LIMIT=on|off|default (default on: limits 1e9 per window), BENCH_WECHAT_LATENCY_MS (default 20),
     LOG_LEVEL passes to the gateways (default info: the module's one JSON line per request)`);
  process.exit(0);
}
const SMOKE = args.smoke || process.env.BENCH_SMOKE === '1';
const DURATION = Number(args.duration ?? (SMOKE ? 1 : 5));
const LEVELS = (args.connections ?? (SMOKE ? '16' : '1,16,64')).split(',').map(Number);
// floor-*: NestJS alone on that adapter (bench/nest-floor.cjs), memory case, getWxAuthUrl only.
// floor-card-*: the design-card floor (bench/nest-floor-card.cjs), every case and route.
// Node 20 (end of life) beside the runtime the bench runs on, while the machine still has it:
// TARGET+node20 runs that target on it, and a full run adds the gateway and its card floor.
const NODE20 = findNode20();
const TARGETS = (
  args.targets ??
  (SMOKE
    ? 'baseline,express,fastify'
    : 'baseline,floor-express,floor-fastify,floor-card-express,floor-card-fastify,express,fastify,express-lean,fastify-lean' +
      (NODE20 ? ',floor-card-express+node20,floor-card-fastify+node20,express+node20,fastify+node20' : ''))
).split(',');
const isPlainFloor = (t) => t.startsWith('floor-') && !t.startsWith('floor-card-');
const isGateway = (t) => t === 'express' || t === 'fastify';
// replayedRetry / cachedExchange (gateways only, see load.mjs): getWxAccessToken answered without WeChat,
// from the stored answer of an identical request / from the exchange cache; each should cost
// no more server CPU per request than getWxAuthUrl.
const NO_WECHAT_ROUTES = ['replayedRetry', 'cachedExchange'];
const ROUTES = (
  args.routes ??
  (SMOKE ? 'getWxAuthUrl,getWxAccessToken' : ['getWxAuthUrl', 'getWxAccessToken', ...NO_WECHAT_ROUTES].join(','))
).split(',');
const REPEAT = Math.max(1, Number(args.repeat ?? 1));
const WARMUP = SMOKE ? 300 : 3000;
const WARMUP_S = SMOKE ? 1 : 3;
const MAX_RPS_GUESS = 30_000;
// Rate limits on, per IP and per merchant, far above what a run sends in a window (10 s).
const RATE_LIMIT_NEVER_REACHED = 1_000_000_000;
const RETRY_PAIRS = SMOKE ? 10 : 200;
const WECHAT_LATENCY_MS = Number(process.env.BENCH_WECHAT_LATENCY_MS ?? 20);
const RESULTS = path.join(BENCH_DIR, 'results');
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unipay-bench-'));
const procs = [];

process.on('SIGINT', () => void shutdown(130));

try {
  await main();
  await shutdown(process.exitCode ?? 0);
} catch (err) {
  console.error(`bench failed: ${err?.stack ?? err}`);
  await shutdown(1);
}

async function main() {
  build();
  const redisUrl = args['no-redis']
    ? undefined
    : await redisReachable(args['redis-url'] ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const cases = [{ name: 'memory', env: {} }];
  if (redisUrl) cases.push({ name: 'redis', env: { REDIS_URL: redisUrl } });
  else if (!args['no-redis']) console.log('(Redis not reachable: the redis case is skipped)');

  const simPort = await freePort();
  const sim = track(
    startNode('simulator', [builtFile(DIST, 'simulator/simulator.main.js')], {
      env: { PORT: String(simPort) },
      logDir,
    }),
  );
  const simBase = `http://127.0.0.1:${simPort}`;
  await waitHttp(sim, `${simBase}/`);
  const admin = (await httpCall(`${simBase}/__sim/stats`).catch(() => ({ status: 0 }))).status === 200;

  const driver = await startDriver();
  const rows = [];
  const retries = [];
  const added = [];
  const profiles = [];
  const logLines = {};
  for (const c of cases) {
    console.log(`\n== case ${c.name}${c.env.REDIS_URL ? ` (REDIS_URL ${c.env.REDIS_URL})` : ''}`);
    const servers = {};
    // The plain floors and lean variants only in the memory case: they answer the framework question once.
    // The design-card floor runs in every case: it is the reference of the targets, measured beside the gateway.
    const caseTargets = TARGETS.filter((t) => !(isPlainFloor(t) || t.endsWith('-lean')) || c.name === 'memory');
    for (const t of caseTargets) servers[t] = await startTarget(t, c, simBase);
    // Pools of pre-signed bodies (and codes) are sized from what each target
    // managed before: the getWxAuthUrl warm-up (a timed run; that route does
    // less than the exchange, so it bounds it), then every measured run.
    const estimate = {};
    for (const t of caseTargets) {
      const w = await driver.run({
        type: 'load',
        simBase,
        url: servers[t].url,
        route: 'getWxAuthUrl',
        connections: 16,
        duration: WARMUP_S,
        pool: Math.ceil(MAX_RPS_GUESS * WARMUP_S),
      });
      estimate[t] = w.rps;
      if (process.env.BENCH_DEBUG) console.log(`warm-up ${t}: ${JSON.stringify(w)}`);
      checkAnswers(`${c.name} warm-up ${t}`, w);
    }
    for (const route of ROUTES) {
      const routeTargets = NO_WECHAT_ROUTES.includes(route)
        ? caseTargets.filter((t) =>
            isGateway(
              t
                .split('@')[0]
                .split('+')[0]
                .replace(/-lean$/, ''),
            ),
          )
        : caseTargets.filter((t) => !isPlainFloor(t) || route === 'getWxAuthUrl');
      if (route !== 'getWxAuthUrl') {
        for (const t of routeTargets) {
          const w = await driver.run({
            type: 'load',
            simBase,
            url: servers[t].url,
            route,
            connections: 16,
            amount: WARMUP,
            pool: WARMUP + 64,
          });
          checkAnswers(`${c.name} ${route} ${t} warm-up`, w);
        }
      }
      if (args.profile)
        for (const t of routeTargets) if (servers[t].profiled) servers[t].proc.child.send({ type: 'start-profile' });
      for (const connections of LEVELS) {
        // With --repeat N the targets take turns N times (round robin), so a burst of other load on a
        // shared machine hits all of them alike; each figure of a row is then the median of its runs.
        const runs = Object.fromEntries(routeTargets.map((t) => [t, []]));
        for (let rep = 0; rep < REPEAT; rep++) {
          for (const t of routeTargets) {
            // Signing is cheap, codes less so: a wide margin for the first, a fair one for the second.
            const margin = route === 'getWxAccessToken' ? 1.6 : 4;
            const pool = Math.ceil(Math.max(estimate[t], 1000) * DURATION * margin) + connections * 8;
            // The no-WeChat routes prime their codes first; the server's CPU for that is not the route's.
            const prepared = NO_WECHAT_ROUTES.includes(route);
            if (prepared) await driver.run({ type: 'prepare', simBase, url: servers[t].url, route, pool });
            const cpu0 = cpuMs(servers[t].proc.child.pid);
            const r = await driver.run({
              type: 'load',
              simBase,
              url: servers[t].url,
              route,
              connections,
              duration: DURATION,
              pool,
              prepared,
            });
            const cpu1 = cpuMs(servers[t].proc.child.pid);
            r.cpuUsPerRequest =
              cpu0 !== null && cpu1 !== null && r.requests > 0 ? ((cpu1 - cpu0) * 1000) / r.requests : null;
            r.ok = checkAnswers(`${c.name} ${route} ${t} c=${connections}${REPEAT > 1 ? ` run ${rep + 1}` : ''}`, r);
            estimate[t] = Math.max(estimate[t], r.rps);
            runs[t].push(r);
            if (REPEAT > 1) {
              console.log(
                `  run ${rep + 1}/${REPEAT} ${t.padEnd(18)} ${String(round(r.rps)).padStart(6)} req/s  p99 ${round(r.latency.p99, 2)} ms  ` +
                  `CPU ${round(r.cpuUsPerRequest, 1)} µs/req  (load avg ${os.loadavg()[0].toFixed(2)})`,
              );
            }
          }
        }
        for (const t of routeTargets) {
          const rs = runs[t];
          const ok = rs.every((r) => r.ok);
          rows.push({ case: c.name, route, target: t, connections, ...pickMedian(rs), ok });
          const row = rows[rows.length - 1];
          console.log(
            `${c.name.padEnd(6)} ${route.padEnd(16)} ${t.padEnd(8)} c=${String(connections).padEnd(3)} ` +
              `${String(round(row.rps)).padStart(6)} req/s  p50 ${row.p50} ms  p99 ${row.p99} ms  CPU ${row.cpuUsPerReq} µs/req${ok ? '' : '  (WRONG ANSWERS)'}`,
          );
        }
      }
      if (args.profile) {
        for (const t of routeTargets) {
          if (!servers[t].profiled) continue;
          const file = path.join(RESULTS, 'profiles', `${c.name}-${route}-${t}.cpuprofile`);
          fs.mkdirSync(path.dirname(file), { recursive: true });
          await stopProfile(servers[t].proc, file);
          profiles.push({ case: c.name, route, target: t, file: path.relative(ROOT, file), ...summarizeProfile(file) });
        }
      }
    }
    if (!args['no-retry'] && ROUTES.includes('getWxAccessToken')) {
      for (const t of caseTargets) {
        if (!isGateway(t)) continue; // baseline/floor: no cache; lean and +nobind: same as the gateway
        const plain = await driver.run({ type: 'retry', simBase, url: servers[t].url, pairs: RETRY_PAIRS });
        retries.push({ case: c.name, target: t, wechatLatencyMs: 0, ...plain });
        if (admin && WECHAT_LATENCY_MS > 0) {
          await httpCall(`${simBase}/__sim/faults`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ kind: 'latency', ms: WECHAT_LATENCY_MS, share: 1 }),
          });
          const slow = await driver.run({
            type: 'retry',
            simBase,
            url: servers[t].url,
            pairs: Math.ceil(RETRY_PAIRS / 2),
          });
          await httpCall(`${simBase}/__sim/faults`, { method: 'DELETE' });
          retries.push({ case: c.name, target: t, wechatLatencyMs: WECHAT_LATENCY_MS, ...slow });
        }
      }
    }
    if (!args['no-latency'] && ROUTES.includes('getWxAccessToken') && admin && WECHAT_LATENCY_MS > 0) {
      added.push(...(await addedLatency(driver, c, caseTargets, servers, simBase)));
    }
    for (const t of caseTargets) {
      // The per-request log line is part of what the gateway is measured with: show it was written.
      if (isGateway(t)) logLines[`${c.name}-${t}`] = countLogLines(servers[t].proc.logFile, ' route=');
      await servers[t].proc.stop();
    }
  }
  await driver.stop();

  const micro = args['no-micro'] ? [] : runMicro(cases.find((c) => c.name === 'redis')?.env.REDIS_URL);
  addRatios(rows);
  const report = {
    date: new Date().toISOString(),
    mode: SMOKE ? 'smoke' : 'full',
    machine: {
      cores: os.cpus().length,
      cpu: os.cpus()[0]?.model,
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      // Other work on the machine during the run (1-minute load average at start and end).
      loadAvg: { start: round(LOAD_AT_START, 2), end: round(os.loadavg()[0], 2) },
    },
    settings: {
      rateLimit: process.env.BENCH_RATE_LIMIT ?? 'on',
      rateLimitPerWindow: (process.env.BENCH_RATE_LIMIT ?? 'on') === 'on' ? RATE_LIMIT_NEVER_REACHED : null,
      logLevel: process.env.LOG_LEVEL ?? 'info',
      durationSeconds: DURATION,
      repeat: REPEAT,
      connections: LEVELS,
      warmupRequests: WARMUP,
      wechatLatencyMs: WECHAT_LATENCY_MS,
    },
    requestLogLines: logLines,
    rows,
    retries: retries.map(summarizeRetry),
    addedLatency: added,
    micro,
    profiles,
    targets: targetChecks(rows, micro, retries, added),
    seconds: round((Date.now() - started) / 1000, 1),
  };
  const md = markdown(report);
  console.log('\n' + md);
  fs.mkdirSync(RESULTS, { recursive: true });
  const base = SMOKE ? 'smoke' : (args.out ?? 'latest');
  fs.writeFileSync(path.join(RESULTS, `${base}.json`), JSON.stringify(report, null, 2) + '\n');
  fs.writeFileSync(path.join(RESULTS, `${base}.md`), md);
  console.log(`written: bench/results/${base}.json, bench/results/${base}.md (${report.seconds} s)`);
  if (rows.some((r) => !r.ok) || added.some((r) => !r.ok) || retries.some((r) => r.pairs === 0)) process.exitCode = 1;
}

// ---------------------------------------------------------------- processes

function build() {
  if (args['no-build'] && fs.existsSync(builtFile(DIST, 'main.js'))) return;
  const t = Date.now();
  // From clean (compileWorkspace empties DIST): a file moved or deleted must not survive as a stale copy.
  const errors = compileWorkspace(ROOT, DIST, path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'));
  // tsc still emits on type errors; run on, but say so (others may be mid-edit).
  if (errors) console.log(`(tsc reported errors; benchmarking what it emitted)\n${errors.slice(0, 2000)}`);
  if (!fs.existsSync(builtFile(DIST, 'main.js'))) throw new Error('build produced no main.js');
  console.log(`built src into ${path.relative(ROOT, DIST)} in ${Date.now() - t} ms`);
}

/**
 * What the relay adds to the payer's OAuth round trip: getWxAccessToken at c = 16 with WeChat (the
 * simulator) answering every exchange in WECHAT_LATENCY_MS, the gateways against the bare relay
 * (baseline), whose p50 and p99 are that latency plus the least a relay can add. The targets take
 * turns (--repeat), and each figure is the median of its runs.
 */
async function addedLatency(driver, c, caseTargets, servers, simBase) {
  const targets = caseTargets.filter((t) => t === 'baseline' || isGateway(t));
  if (!targets.includes('baseline')) return [];
  const connections = 16;
  await httpCall(`${simBase}/__sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'latency', ms: WECHAT_LATENCY_MS, share: 1 }),
  });
  const runs = Object.fromEntries(targets.map((t) => [t, []]));
  try {
    // At most connections / latency requests a second whatever the relay does: size the codes for that.
    const pool = Math.ceil((connections / (WECHAT_LATENCY_MS / 1000)) * DURATION * 1.3) + connections * 8;
    for (let rep = 0; rep < REPEAT; rep++) {
      for (const t of targets) {
        const r = await driver.run({
          type: 'load',
          simBase,
          url: servers[t].url,
          route: 'getWxAccessToken',
          connections,
          duration: DURATION,
          pool,
        });
        r.ok = checkAnswers(`${c.name} added latency ${t}${REPEAT > 1 ? ` run ${rep + 1}` : ''}`, r);
        runs[t].push(r);
      }
    }
  } finally {
    await httpCall(`${simBase}/__sim/faults`, { method: 'DELETE' });
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const of = (t) => ({
    p50: med(runs[t].map((r) => r.latency.p50)),
    p99: med(runs[t].map((r) => r.latency.p99)),
    rps: med(runs[t].map((r) => r.rps)),
    ok: runs[t].every((r) => r.ok),
  });
  const base = of('baseline');
  return targets.map((t) => {
    const m = of(t);
    const row = {
      case: c.name,
      target: t,
      wechatLatencyMs: WECHAT_LATENCY_MS,
      connections,
      rps: round(m.rps),
      p50: round(m.p50, 2),
      p99: round(m.p99, 2),
      addedP50: t === 'baseline' ? null : round(m.p50 - base.p50, 2),
      addedP99: t === 'baseline' ? null : round(m.p99 - base.p99, 2),
      ok: m.ok,
    };
    console.log(
      `${c.name.padEnd(6)} added latency (WeChat ${WECHAT_LATENCY_MS} ms) ${t.padEnd(8)} c=${connections} p50 ${row.p50} ms p99 ${row.p99} ms` +
        (t === 'baseline' ? '' : `  (+${row.addedP50} / +${row.addedP99} ms over the bare relay)`),
    );
    return row;
  });
}

/** A Node 20 binary other than the one running: UNIPAY_NODE20, else the first `node` on PATH that is v20. */
function findNode20() {
  const candidates = [
    process.env.UNIPAY_NODE20,
    ...(process.env.PATH ?? '').split(':').map((d) => path.join(d, 'node')),
  ];
  for (const bin of candidates) {
    if (!bin || !fs.existsSync(bin) || bin === process.execPath) continue;
    const v = spawnSync(bin, ['-v'], { encoding: 'utf8' }).stdout?.trim() ?? '';
    if (v.startsWith('v20.')) return bin;
  }
  return undefined;
}

function track(proc) {
  procs.push(proc);
  return proc;
}

async function startTarget(name0, c, simBase) {
  // GATEWAY@REF (express@REF, fastify@REF): the gateway as built from git ref REF, next to the tree's own in the same run.
  const [name1, ref] = name0.split('@');
  // TARGET+nobind (experiment): the same target with bench/lib/async-bind-without-dep0172.cjs preloaded.
  const [target, variant] = name1.split('+');
  if (ref !== undefined && !isGateway(target))
    throw new Error(`@REF is for the gateway targets (express, fastify), not ${name0}`);
  const nodeArgs = variant === 'nobind' ? ['-r', path.join(BENCH_DIR, 'lib', 'async-bind-without-dep0172.cjs')] : [];
  if (variant !== undefined && variant !== 'nobind' && variant !== 'node20')
    throw new Error(`unknown target variant +${variant}`);
  if (variant === 'node20' && !NODE20)
    throw new Error(
      '+node20: no Node 20 on this machine (looked at UNIPAY_NODE20 and the node on PATH after this one)',
    );
  const execPath = variant === 'node20' ? NODE20 : undefined;
  const port = await freePort();
  const env = { ...c.env, PORT: String(port), HOST: '127.0.0.1', WECHAT_API_BASE: simBase, WECHAT_OPEN_BASE: simBase };
  let proc;
  const name = `${c.name}-${name0}`;
  if (target === 'baseline') {
    const script = path.join(BENCH_DIR, 'baseline-relay.mjs');
    proc = args.profile
      ? startNode(name, [path.join(BENCH_DIR, 'lib', 'cpu-profile.cjs'), script], { env, logDir, nodeArgs })
      : startNode(name, [script], { env, logDir, nodeArgs });
  } else if (target.startsWith('floor-card-')) {
    // floor-card-express / floor-card-fastify: the design-card floor, see nest-floor-card.cjs.
    env.HTTP_ADAPTER = target.slice('floor-card-'.length);
    env.BENCH_DIST = DIST;
    const script = path.join(BENCH_DIR, 'nest-floor-card.cjs');
    proc = args.profile
      ? startNode(name, [path.join(BENCH_DIR, 'lib', 'cpu-profile.cjs'), script], { env, logDir, nodeArgs, execPath })
      : startNode(name, [script], { env, logDir, nodeArgs, execPath });
  } else if (target.startsWith('floor-')) {
    // floor-express / floor-fastify: Nest alone, see nest-floor.cjs.
    env.HTTP_ADAPTER = target.slice('floor-'.length);
    proc = startNode(name, [path.join(BENCH_DIR, 'nest-floor.cjs')], { env, logDir, nodeArgs });
  } else {
    // express-lean / fastify-lean: the same gateway with the rate limiter off and
    // only warnings logged (no per-request line): what those two features cost.
    const lean = target.endsWith('-lean');
    env.HTTP_ADAPTER = lean ? target.slice(0, -'-lean'.length) : target;
    // The limiter stays on (its counting is part of the cost) but never refuses the load.
    // BENCH_RATE_LIMIT=off turns it off, =default keeps the module's defaults (which refuse a load like this).
    const rl = lean ? 'off' : (process.env.BENCH_RATE_LIMIT ?? 'on');
    if (rl === 'off') env.RATE_LIMIT_IP = env.RATE_LIMIT_MERCHANT = '0';
    else if (rl !== 'default') env.RATE_LIMIT_IP = env.RATE_LIMIT_MERCHANT = String(RATE_LIMIT_NEVER_REACHED);
    // JSON lines through nestjs-pino, as npm start logs (LOG_FORMAT=text in the caller's env would drop the request line).
    env.LOG_FORMAT = 'json';
    if (lean) env.LOG_LEVEL = 'warn';
    // Unique Redis keys per run on the shared Redis, if the module reads a prefix.
    env.REDIS_KEY_PREFIX = `unipay-bench:${process.pid}:${name0}:`;
    const main = builtFile(ref === undefined ? DIST : buildRef(ref), 'main.js');
    // BENCH_GATEWAY_NODE_ARGS: Node flags for the gateways only (e.g. --trace-gc, with BENCH_KEEP_LOGS=1).
    const gatewayArgs = [...nodeArgs, ...(process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean)];
    proc = args.profile
      ? startNode(name, [path.join(BENCH_DIR, 'lib', 'cpu-profile.cjs'), main], {
          env,
          logDir,
          nodeArgs: gatewayArgs,
          execPath,
        })
      : startNode(name, [main], { env, logDir, nodeArgs: gatewayArgs, execPath });
  }
  track(proc);
  const url = `http://127.0.0.1:${port}`;
  await waitHttp(proc, `${url}/unipay/assist/getWxAuthUrl`);
  // The design-card floor is profiled too: its profile is the machinery the gateway cannot shed.
  return {
    url,
    proc,
    profiled: Boolean(args.profile) && (!target.startsWith('floor-') || target.startsWith('floor-card-')),
  };
}

function stopProfile(proc, file) {
  return new Promise((resolve, reject) => {
    const onMsg = (m) => {
      if (m?.type !== 'profile-written') return;
      proc.child.off('message', onMsg);
      m.error ? reject(new Error(m.error)) : resolve();
    };
    proc.child.on('message', onMsg);
    proc.child.send({ type: 'stop-profile', file });
  });
}

async function startDriver() {
  const child = fork(path.join(BENCH_DIR, 'load.mjs'), [], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  track({ name: 'driver', child, stop: async () => child.connected && child.kill() });
  await new Promise((resolve, reject) => {
    child.once('message', (m) => (m?.ready ? resolve() : reject(new Error('driver failed'))));
    child.once('exit', (code) => reject(new Error(`driver exited ${code}`)));
  });
  return {
    run: (job) =>
      new Promise((resolve, reject) => {
        child.once('message', (m) => (m.ok ? resolve(m.result) : reject(new Error(m.error))));
        child.send(job);
      }),
    stop: async () => child.kill(),
  };
}

function runMicro(redisUrl) {
  const env = { ...process.env, BENCH_DIST: DIST };
  if (redisUrl) env.REDIS_URL = redisUrl;
  else delete env.REDIS_URL;
  const r = spawnSync(process.execPath, [path.join(BENCH_DIR, 'micro.mjs'), '--json', ...(SMOKE ? ['--smoke'] : [])], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  });
  try {
    return JSON.parse(r.stdout);
  } catch {
    console.log(`(micro-benchmarks failed: ${r.stderr.slice(0, 1000)})`);
    return [];
  }
}

async function redisReachable(url) {
  try {
    const { default: Redis } = await import('ioredis');
    const redis = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      connectTimeout: 1000,
      retryStrategy: () => null,
    });
    await redis.connect();
    await redis.ping();
    redis.disconnect();
    return url;
  } catch {
    return undefined;
  }
}

async function shutdown(code) {
  for (const p of procs.reverse()) await p.stop().catch(() => undefined);
  // BENCH_KEEP_LOGS=1 keeps the processes' logs (e.g. a gateway's --trace-gc lines) and says where.
  if (process.env.BENCH_KEEP_LOGS === '1') console.log(`logs kept in ${logDir}`);
  else fs.rmSync(logDir, { recursive: true, force: true });
  process.exit(code);
}

// ---------------------------------------------------------------- figures

/** The median of each figure over the runs of one row (one run: that run), with the CPU spread and counts summed. */
function pickMedian(rs) {
  const med = (xs) => {
    const v = xs.filter((x) => x !== null && x !== undefined).sort((a, b) => a - b);
    if (!v.length) return null;
    const m = v.length >> 1;
    return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
  };
  const sum = (f) => rs.reduce((a, r) => a + f(r), 0);
  const one = pick({
    rps: med(rs.map((r) => r.rps)),
    latency: {
      p50: med(rs.map((r) => r.latency.p50)),
      p99: med(rs.map((r) => r.latency.p99)),
      mean: med(rs.map((r) => r.latency.mean)),
    },
    requests: sum((r) => r.requests),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    non2xx: sum((r) => r.non2xx),
    mismatches: sum((r) => r.mismatches),
    cpuUsPerRequest: med(rs.map((r) => r.cpuUsPerRequest)),
  });
  if (rs.length > 1) {
    one.runs = rs.length;
    const cpus = rs.map((r) => r.cpuUsPerRequest).filter((x) => x !== null);
    one.cpuUsPerReqRange = cpus.length ? [round(Math.min(...cpus), 1), round(Math.max(...cpus), 1)] : null;
  }
  return one;
}

function pick(r) {
  return {
    rps: round(r.rps, 1),
    p50: round(r.latency.p50, 2),
    p99: round(r.latency.p99, 2),
    mean: round(r.latency.mean, 2),
    requests: r.requests,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    mismatches: r.mismatches,
    cpuUsPerReq: round(r.cpuUsPerRequest, 1),
  };
}

/**
 * CPU time (user + system) a process has used, in ms, from /proc (Linux):
 * the server's cost per request, which other load on the machine disturbs
 * far less than it disturbs requests per second.
 */
function cpuMs(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
  } catch {
    return null;
  }
}

/** A benchmark of wrong answers (rejections, WeChat refusals) measures nothing: flag it. */
function checkAnswers(label, r) {
  const bad = r.errors + r.timeouts + r.non2xx + r.mismatches;
  if (bad > 0) {
    console.log(
      `!! ${label}: ${bad} of ${r.requests} answers were not successes (errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx}, wrong body ${r.mismatches}, pool wrapped ${r.poolWrapped})`,
    );
  }
  return bad === 0 && r.requests > 0;
}

function addRatios(rows) {
  for (const row of rows) {
    const base = rows.find(
      (b) =>
        b.target === 'baseline' && b.case === row.case && b.route === row.route && b.connections === row.connections,
    );
    row.rpsRatio = base ? round(row.rps / base.rps, 2) : null;
    row.p99Ratio = base && base.p99 > 0 ? round(row.p99 / base.p99, 2) : null;
    row.cpuRatio =
      base && base.cpuUsPerReq > 0 && row.cpuUsPerReq !== null ? round(row.cpuUsPerReq / base.cpuUsPerReq, 2) : null;
    // Against the design-card floor on the same adapter (the targets' reference), same case, route and concurrency.
    // A +variant row is compared with the floor of the same variant.
    const [baseTarget, variant] = row.target.split('@')[0].split('+');
    const adapter = baseTarget.replace(/-lean$/, '');
    const cardTarget = `floor-card-${adapter}${variant ? `+${variant}` : ''}`;
    const card =
      baseTarget.startsWith('floor-') || !['express', 'fastify'].includes(adapter)
        ? undefined
        : rows.find(
            (b) =>
              b.target === cardTarget &&
              b.case === row.case &&
              b.route === row.route &&
              b.connections === row.connections,
          );
    row.cardRpsRatio = card ? round(row.rps / card.rps, 2) : null;
    row.cardP99Ratio = card && card.p99 > 0 ? round(row.p99 / card.p99, 2) : null;
    // Floor CPU per request ÷ ours: the CPU side of the same target (≥ 0.5 means CPU/req ≤ 2× the floor's).
    row.cardCpuRatio =
      card && card.cpuUsPerReq > 0 && row.cpuUsPerReq > 0 ? round(card.cpuUsPerReq / row.cpuUsPerReq, 2) : null;
  }
}

/** Lines of a log file that contain `needle` (the module's per-request lines: the interceptor's answer line names the route), read in chunks: the file can be large. */
function countLogLines(file, needle) {
  try {
    const fd = fs.openSync(file, 'r');
    const pat = Buffer.from(needle);
    const buf = Buffer.alloc(1 << 20);
    let carry = Buffer.alloc(0);
    let n = 0;
    for (;;) {
      const got = fs.readSync(fd, buf, 0, buf.length, null);
      if (got === 0) break;
      const chunk = Buffer.concat([carry, buf.subarray(0, got)]);
      for (let i = chunk.indexOf(pat); i >= 0; i = chunk.indexOf(pat, i + pat.length)) n++;
      // Keep a tail shorter than the needle, so a match across two reads is counted once.
      carry = Buffer.from(chunk.subarray(Math.max(0, chunk.length - pat.length + 1)));
    }
    fs.closeSync(fd);
    return n;
  } catch {
    return null;
  }
}

function summarizeRetry(r) {
  return {
    case: r.case,
    target: r.target,
    wechatLatencyMs: r.wechatLatencyMs,
    pairs: r.pairs,
    firstP50: round(r.first.p50, 3),
    retryP50: round(r.retry.p50, 3),
    firstMean: round(r.first.mean, 3),
    retryMean: round(r.retry.mean, 3),
    speedup: round(r.first.p50 / r.retry.p50, 2),
    sameAnswer: r.sameAnswer,
    retryFailures: r.retryFailures,
    samples: r.samples,
  };
}

function targetChecks(rows, micro, retries, added) {
  const out = [];
  // Against the design-card floor on the same adapter, at c = 16 and c = 64: getWxAuthUrl's req/s or CPU per
  // request at least half the floor's, getWxAccessToken's req/s at least 0.3 of it, getWxAuthUrl's p99 at most 2×.
  for (const row of rows) {
    if (!isGateway(row.target) || row.connections < 16 || row.cardRpsRatio === null) continue;
    const at = `${row.case} ${row.route} ${row.target} c=${row.connections}`;
    if (row.route === 'getWxAuthUrl') {
      const best = Math.max(row.cardRpsRatio, row.cardCpuRatio ?? 0);
      out.push({
        what: `${at}: req/s (or floor CPU/req ÷ ours) ≥ 0.5× design-card floor`,
        value: `${row.cardRpsRatio} / ${row.cardCpuRatio}`,
        pass: best >= 0.5,
      });
      if (row.cardP99Ratio !== null) {
        out.push({ what: `${at}: p99 ≤ 2× design-card floor`, value: row.cardP99Ratio, pass: row.cardP99Ratio <= 2 });
      }
    } else if (row.route === 'getWxAccessToken') {
      out.push({
        what: `${at}: req/s ≥ 0.3× design-card floor`,
        value: row.cardRpsRatio,
        pass: row.cardRpsRatio >= 0.3,
      });
    }
  }
  // What a payer feels: p50 at most 1 ms and p99 at most 5 ms above the bare relay, WeChat answering in 20 ms.
  for (const r of added) {
    if (r.target === 'baseline') continue;
    out.push({
      what: `${r.case} ${r.target} c=${r.connections}: added latency (WeChat ${r.wechatLatencyMs} ms) p50 ≤ 1 ms, p99 ≤ 5 ms`,
      value: `+${r.addedP50} / +${r.addedP99} ms`,
      pass: r.addedP50 <= 1 && r.addedP99 <= 5,
    });
  }
  // getWxAccessToken answered without WeChat costs no more CPU per request than getWxAuthUrl.
  for (const row of rows) {
    if (!NO_WECHAT_ROUTES.includes(row.route) || !isGateway(row.target)) continue;
    const ref = rows.find(
      (b) =>
        b.route === 'getWxAuthUrl' &&
        b.target === row.target &&
        b.case === row.case &&
        b.connections === row.connections,
    );
    if (!ref || ref.cpuUsPerReq === null || row.cpuUsPerReq === null) continue;
    const what =
      row.route === 'replayedRetry' ? 'identical retry (stored answer)' : 'cached exchange (re-signed, same code)';
    const ratio = round(row.cpuUsPerReq / ref.cpuUsPerReq, 2);
    out.push({
      what: `${row.case} ${row.target} c=${row.connections}: ${what} CPU/req ÷ getWxAuthUrl's ≤ 1`,
      value: ratio,
      pass: ratio <= 1,
    });
  }
  const hmac = micro.find((m) => m.name.startsWith('verify HMAC_SHA256 (1 secret)'));
  if (hmac) out.push({ what: 'HMAC_SHA256 verify ≤ 3 µs/op', value: hmac.usPerOp, pass: hmac.usPerOp <= 3 });
  for (const r of retries.map(summarizeRetry)) {
    if (r.target === 'baseline') continue;
    out.push({
      what: `${r.case} ${r.target} cached retry ≥ 3× faster than first exchange (WeChat +${r.wechatLatencyMs} ms)`,
      value: r.retryFailures > 0 ? `${r.retryFailures} retries not answered from cache` : r.speedup,
      pass: r.retryFailures === 0 && r.speedup >= 3,
    });
  }
  return out;
}

function markdown(rep) {
  const L = [];
  L.push(`# unipay assist benchmark (${rep.mode})`);
  L.push('');
  L.push(
    `${rep.date} · ${rep.machine.cores} cores (${rep.machine.cpu}) · Node ${rep.machine.node} · ${rep.machine.platform} · ` +
      `${rep.settings.durationSeconds} s per run after a warm-up${rep.settings.repeat > 1 ? `, median of ${rep.settings.repeat} interleaved runs` : ''} · ` +
      `all processes on one machine · load average ${rep.machine.loadAvg.start} at start, ${rep.machine.loadAvg.end} at end`,
  );
  L.push('');
  L.push(
    'Ratios are to the bare node:http baseline (bench/baseline-relay.mjs) measured in the same run and case; absolute figures depend on the machine. ' +
      '"server CPU µs/req" is the server process\'s user+system CPU time over the run divided by the requests it answered: the cost per request, ' +
      'which other load on a shared machine disturbs much less than req/s. floor-express / floor-fastify are NestJS alone on that adapter ' +
      '(one POST route answering a fixed envelope, bench/nest-floor.cjs): what the framework costs before the relay does anything. ' +
      'floor-card-express / floor-card-fastify are the design-card floor (bench/nest-floor-card.cjs): NestJS on that adapter with one POST route ' +
      'per relay route, the JSON body parsed, a guard that lets everything through, a pipe that returns its input, an interceptor that wraps ' +
      'the answer in an envelope (next.handle().pipe(map(...))) and, on getWxAccessToken, the same WeChat round trip as the baseline; the ' +
      '"÷ card" columns compare the gateway with it on the same adapter (CPU: the floor\'s CPU/req ÷ the gateway\'s, so higher is better like req/s). ' +
      'express-lean / fastify-lean are the gateway with the rate limiter off and LOG_LEVEL=warn (no per-request log line). ' +
      `Gateways (express, fastify) run as npm start does: envelope interceptor, the module's one log line per request (the answer's event with traceId, route and mchNo; JSON through pino, LOG_LEVEL ${rep.settings.logLevel}), ` +
      `metrics, and the rate limiter ${rep.settings.rateLimit === 'on' ? `on with limits of ${rep.settings.rateLimitPerWindow} per window (never reached)` : rep.settings.rateLimit}.`,
  );
  L.push('');
  L.push(
    '| case | route | target | conc. | req/s | p50 ms | p99 ms | server CPU µs/req | req/s ÷ baseline | p99 ÷ baseline | CPU/req ÷ baseline | ' +
      'req/s ÷ card | floor CPU ÷ ours | p99 ÷ card | answers |',
  );
  L.push('|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const r of rep.rows) {
    const b = r.target === 'baseline';
    L.push(
      `| ${r.case} | ${r.route} | ${r.target} | ${r.connections} | ${round(r.rps)} | ${r.p50} | ${r.p99} | ` +
        `${r.cpuUsPerReq ?? '–'}${r.cpuUsPerReqRange ? ` (${r.cpuUsPerReqRange[0]}–${r.cpuUsPerReqRange[1]})` : ''} | ` +
        `${b ? '1' : (r.rpsRatio ?? '–')} | ${b ? '1' : (r.p99Ratio ?? '–')} | ${b ? '1' : (r.cpuRatio ?? '–')} | ` +
        `${r.cardRpsRatio ?? '–'} | ${r.cardCpuRatio ?? '–'} | ${r.cardP99Ratio ?? '–'} | ` +
        `${r.ok ? 'all ok' : `${r.errors + r.non2xx + r.mismatches} wrong`} |`,
    );
  }
  const logged = Object.entries(rep.requestLogLines ?? {});
  if (logged.length) {
    L.push('');
    L.push(
      "Per-request log lines (the module's answer lines) written by the gateways: " +
        logged.map(([k, v]) => `${k} ${v ?? '?'}`).join(', ') +
        '.',
    );
  }
  if (rep.retries.length) {
    L.push('');
    L.push(
      'Idempotent exchange: the same code sent again (re-signed, as a client retrying after a lost answer), one at a time.',
    );
    L.push('');
    L.push(
      '| case | target | WeChat latency | pairs | first p50 ms | retry p50 ms | speed-up | retry gave the same answer |',
    );
    L.push('|---|---|---:|---:|---:|---:|---:|---|');
    for (const r of rep.retries) {
      L.push(
        `| ${r.case} | ${r.target} | +${r.wechatLatencyMs} ms | ${r.pairs} | ${r.firstP50} | ${r.retryP50} | ${r.speedup} | ` +
          `${r.retryFailures === 0 ? 'yes' : `no (${r.retryFailures}: ${r.samples.map((s) => s.msg).join('; ')})`} |`,
      );
    }
  }
  if (rep.addedLatency?.length) {
    L.push('');
    L.push(addedLatencyIntro(rep.addedLatency[0]));
    L.push('');
    L.push(...addedLatencyTable(rep.addedLatency));
  }
  if (rep.micro.length) {
    L.push('');
    L.push('| micro-benchmark (tinybench) | median µs/op | p99 µs/op |');
    L.push('|---|---:|---:|');
    for (const m of rep.micro)
      L.push(m.error ? `| ${m.name} | error | |` : `| ${m.name} | ${m.usPerOp} | ${m.p99Us} |`);
  }
  if (rep.profiles.length) {
    L.push('');
    L.push('CPU profiles (self time while under load, by package):');
    for (const p of rep.profiles) {
      L.push('');
      L.push(
        `- ${p.case} ${p.route} ${p.target} (${p.file}): ` +
          p.byPackage
            .slice(0, 8)
            .map((x) => `${x.name} ${x.pct}%`)
            .join(', '),
      );
    }
  }
  L.push('');
  L.push('| target | value | met |');
  L.push('|---|---:|---|');
  for (const t of rep.targets) L.push(`| ${t.what} | ${t.value} | ${t.pass ? 'yes' : 'no'} |`);
  L.push('');
  return L.join('\n');
}

function parseArgs(list) {
  const out = {};
  for (let i = 0; i < list.length; i++) {
    const a = list[i];
    if (!a.startsWith('--')) continue;
    const [k, v] = a.slice(2).split('=');
    if (v !== undefined) out[k] = v;
    else if (
      list[i + 1] &&
      !list[i + 1].startsWith('--') &&
      !['smoke', 'no-redis', 'no-build', 'profile', 'no-micro', 'no-retry', 'no-latency', 'help'].includes(k)
    )
      out[k] = list[++i];
    else out[k] = true;
  }
  return out;
}
