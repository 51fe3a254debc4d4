#!/usr/bin/env node
/**
 * The suite under synthetic CPU load: two shell busy loops (`while :; do :; done`)
 * run beside the chosen test layers, several runs in a row, so a test that
 * leans on spare CPU (a short fixed wait, a tight bound) shows up here rather
 * than as an intermittent red run elsewhere. Not part of CI: it is slow by design.
 *
 *   npm run test:stress                         unit, integration, e2e; 3 runs; 2 loops
 *   npm run test:stress -- integration          one layer
 *   npm run test:stress -- integration e2e --runs 5 --loops 3
 *   npm run test:stress -- hosts bench-smoke    the host fixtures, the benchmark smoke run
 *
 * Each layer's output goes to a log file (its path is printed); the script
 * prints one line per layer and run, then a summary, and exits non-zero when
 * anything failed. The busy loops are stopped on every way out (end, error,
 * Ctrl-C, SIGTERM).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, createWriteStream, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const JEST = join(root, 'node_modules', 'jest', 'bin', 'jest.js');

/** What each layer runs; jest layers also write a JSON report for the counts. */
const LAYERS = {
  unit: { jest: ['--selectProjects', 'unit'] },
  integration: { jest: ['--selectProjects', 'integration', '--runInBand'] },
  e2e: { jest: ['--selectProjects', 'e2e', '--runInBand'] },
  hosts: { command: ['bash', [join(root, 'scripts', 'test-hosts.sh')]] },
  'bench-smoke': { command: [process.execPath, [join(root, 'bench', 'run.mjs'), '--smoke']] },
};
const DEFAULT_LAYERS = ['unit', 'integration', 'e2e'];

function usage(problem) {
  process.stderr.write(
    `${problem}\nusage: test-stress [${Object.keys(LAYERS).join('|')} ...] [--runs N] [--loops N]\n`,
  );
  process.exit(2);
}

function parseArgs(argv) {
  const layers = [];
  let runs = 3;
  let loops = 2;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--runs' || arg === '--loops') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < (arg === '--runs' ? 1 : 0)) usage(`${arg} needs a whole number`);
      if (arg === '--runs') runs = n;
      else loops = n;
    } else if (arg in LAYERS) layers.push(arg);
    else usage(`unknown argument: ${arg}`);
  }
  return { layers: layers.length > 0 ? layers : DEFAULT_LAYERS, runs, loops };
}

const busy = [];
let current;

/** Stops the busy loops and any test run still going; safe to call more than once, synchronous (runs in 'exit'). */
function stopAll() {
  for (const child of busy.splice(0)) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
  if (current && current.exitCode === null) {
    try {
      // The test run is its own process group (detached): end it and whatever it started.
      process.kill(-current.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
}

process.on('exit', stopAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    process.stderr.write(`\n${signal}: stopping the busy loops and the test run\n`);
    stopAll();
    process.exit(130);
  });
}
process.on('uncaughtException', (err) => {
  process.stderr.write(`test-stress: ${err.stack ?? err}\n`);
  stopAll();
  process.exit(1);
});

function startBusyLoops(n) {
  for (let i = 0; i < n; i++) {
    const child = spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' });
    child.on('error', (err) => process.stderr.write(`busy loop ${i}: ${err.message}\n`));
    busy.push(child);
  }
}

/** Runs one layer once; resolves to its line of results. */
function runLayer(layer, run, logDir) {
  const spec = LAYERS[layer];
  const log = join(logDir, `run${run}-${layer}.log`);
  const json = join(logDir, `run${run}-${layer}.json`);
  const [cmd, args] = spec.jest
    ? [process.execPath, [JEST, ...spec.jest, '--json', '--outputFile', json]]
    : spec.command;
  const started = Date.now();
  return new Promise((resolve) => {
    const out = createWriteStream(log);
    current = spawn(cmd, args, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    current.stdout.pipe(out, { end: false });
    current.stderr.pipe(out, { end: false });
    current.on('close', (code, signal) => {
      out.end();
      current = undefined;
      const result = {
        layer,
        run,
        ok: code === 0,
        code: code ?? signal,
        seconds: Math.round((Date.now() - started) / 1000),
        log,
      };
      if (spec.jest && existsSync(json)) {
        try {
          const report = JSON.parse(readFileSync(json, 'utf8'));
          result.passed = report.numPassedTests;
          result.failed = report.numFailedTests;
          result.total = report.numTotalTests;
          result.suitesFailed = report.numFailedTestSuites;
          result.failures = report.testResults.flatMap((file) => {
            const tests = file.assertionResults
              .filter((t) => t.status === 'failed')
              .map((t) => `${file.name.replace(`${root}/`, '')} › ${t.fullName}`);
            // A file that failed before any test ran (import error, hook time-out) has no failed test to name.
            return tests.length === 0 && file.status === 'failed'
              ? [
                  `${file.name.replace(`${root}/`, '')} (suite failed: ${
                    String(file.message)
                      .split('\n')
                      .find((l) => l.trim()) ?? ''
                  })`,
                ]
              : tests;
          });
        } catch {
          /* the log has the story */
        }
      }
      resolve(result);
    });
  });
}

function line(r) {
  const counts =
    r.total === undefined
      ? ''
      : ` ${r.passed}/${r.total} passed${r.failed ? `, ${r.failed} failed` : ''}${r.suitesFailed ? `, ${r.suitesFailed} suite(s) failed` : ''}`;
  return `run ${r.run} ${r.layer.padEnd(11)} ${r.ok ? 'PASS' : `FAIL (exit ${r.code})`}${counts} in ${r.seconds} s  log: ${r.log}`;
}

async function main() {
  const { layers, runs, loops } = parseArgs(process.argv.slice(2));
  const logDir = mkdtempSync(join(tmpdir(), 'unipay-assist-stress-'));
  startBusyLoops(loops);
  process.stdout.write(
    `test-stress: ${layers.join(', ')} x ${runs} run(s) beside ${loops} busy loop(s); logs in ${logDir}\n`,
  );
  const results = [];
  for (let run = 1; run <= runs; run++) {
    for (const layer of layers) {
      const r = await runLayer(layer, run, logDir);
      results.push(r);
      process.stdout.write(`${line(r)}\n`);
      for (const f of r.failures ?? []) process.stdout.write(`    failed: ${f}\n`);
    }
  }
  stopAll();
  process.stdout.write('\nsummary\n');
  for (const layer of layers) {
    const mine = results.filter((r) => r.layer === layer);
    const green = mine.filter((r) => r.ok).length;
    const tests = mine.some((r) => r.total !== undefined)
      ? `; tests per run: ${mine.map((r) => (r.total === undefined ? '?' : `${r.passed}/${r.total}`)).join(', ')}`
      : '';
    process.stdout.write(`  ${layer.padEnd(11)} ${green}/${mine.length} runs green${tests}\n`);
  }
  const failed = results.filter((r) => !r.ok).length;
  process.stdout.write(failed === 0 ? 'all green under load\n' : `${failed} layer run(s) failed under load\n`);
  process.exit(failed === 0 ? 0 : 1);
}

main();
