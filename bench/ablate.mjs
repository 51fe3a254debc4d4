#!/usr/bin/env node
// What each of the relay's checks costs: the work tree built once as it is and once per ablation
// (one check taken out of a copy of the sources), all run by bench/ab.mjs in one process, taking
// turns. A build's paired ratio to the full gateway is what that check costs; FLOOR, the design-card
// floor in the same harness, is what Nest alone costs for the route. The ablated builds are for
// measuring only: each one drops something the relay must do.
//
//   node bench/ablate.mjs --adapter fastify --route getWxAuthUrl [--only log,replay] [--rounds 40]
//
// An ablation whose anchor is no longer in the sources stops the run with its name: update the
// table below with the code.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_DIR, ROOT } from './lib/common.mjs';
import { compileWorkspace } from './lib/workspace-build.mjs';

const ENVELOPE = 'packages/unipay-assist/src/http/envelope/envelope.interceptor.ts';
const GUARD = 'packages/unipay-assist/src/http/guards/signature.guard.ts';
const CONTROLLER = 'packages/unipay-assist/src/http/assist.controller.ts';

/** name → what it takes out, and the edits that do it ([file, anchor, replacement]). */
const ABLATIONS = {
  log: {
    drops: "the module's log line per answer",
    edits: [
      [
        ENVELOPE,
        '    this.logger.log(ctx.traceId, line.event, { route, mchNo: merchant.mchNo, dialect, ...line.fields });\n',
        '    void line;\n',
      ],
    ],
  },
  metrics: {
    drops: 'the request counter',
    edits: [
      [
        ENVELOPE,
        '    this.metrics?.request(route, AssistErrorCode.SUCCESS, dialect);\n    const line',
        '    const line',
      ],
    ],
  },
  'answer-sign': {
    drops: "the dialect's answer (signed, with resTime) for a bare envelope",
    edits: [
      [
        ENVELOPE,
        '    const answer = dialectFor(dialect).answer(data, {',
        "    const answer = { code: 0, msg: 'success', data, traceId: ctx.traceId } as unknown as WireAnswer;\n    void {",
      ],
    ],
  },
  replay: {
    drops: 'the replay claim and the stored answer for retries',
    edits: [
      [
        GUARD,
        '    return andThen(this.claimOnce(merchant, { ...head, reqTime }, now, context), () => true);',
        '    void andThen;\n    return true;',
      ],
    ],
  },
  verify: {
    drops: "the request's sign check",
    edits: [
      [
        GUARD,
        '      const verified = verifyRequestSign(body, this.dtoFields(context), merchant, candidates);',
        '      const verified = { secretIndex: 0, dialect: candidates.candidates[0] };',
      ],
    ],
  },
  'rate-limits': {
    drops: 'the IP and merchant rate-limit guards',
    edits: [
      [
        CONTROLLER,
        '@UseGuards(AssistIpThrottlerGuard, SignatureGuard, AssistMerchantThrottlerGuard)',
        '@UseGuards(SignatureGuard)',
      ],
    ],
  },
};

const { values: args } = parseArgs({
  options: {
    adapter: { type: 'string', default: 'fastify' },
    route: { type: 'string', default: 'getWxAuthUrl' },
    rounds: { type: 'string', default: '40' },
    batch: { type: 'string', default: '400' },
    only: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(
    'node bench/ablate.mjs [--adapter fastify|express] [--route getWxAuthUrl|getWxAccessToken] [--only ' +
      Object.keys(ABLATIONS).join(',') +
      '] [--rounds 40] [--batch 400]',
  );
  process.exit(0);
}

const names = args.only ? args.only.split(',').map((s) => s.trim()) : Object.keys(ABLATIONS);
for (const n of names)
  if (!ABLATIONS[n]) throw new Error(`no ablation named ${n} (${Object.keys(ABLATIONS).join(', ')})`);

const work = path.join(BENCH_DIR, '.ablate');
const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const SOURCES = ['packages', 'apps', 'tsconfig.json', 'tsconfig.base.json'];

/** The work tree's sources copied to dir (no node_modules, no builds), with `edits` applied, compiled into dir/build. */
function build(name, edits) {
  const dir = path.join(work, name);
  fs.rmSync(dir, { recursive: true, force: true });
  for (const s of SOURCES) {
    fs.cpSync(path.join(ROOT, s), path.join(dir, s), {
      recursive: true,
      filter: (src) => !/[\\/](node_modules|dist|coverage)([\\/]|$)/.test(src),
    });
  }
  for (const [file, anchor, replacement] of edits) {
    const f = path.join(dir, file);
    const text = fs.readFileSync(f, 'utf8');
    if (!text.includes(anchor)) throw new Error(`ablation ${name} no longer applies: ${file} has no\n${anchor}`);
    fs.writeFileSync(f, text.replace(anchor, replacement));
  }
  const out = path.join(dir, 'build');
  compileWorkspace(dir, out, tsc);
  return out;
}

const targets = [`gateway=${build('gateway', [])}`];
for (const n of names) targets.push(`no-${n}=${build(n, ABLATIONS[n].edits)}`);
targets.push('FLOOR');
for (const n of names) console.log(`no-${n}: without ${ABLATIONS[n].drops}`);
const ab = spawnSync(
  process.execPath,
  [
    path.join(BENCH_DIR, 'ab.mjs'),
    '--targets',
    targets.join(','),
    '--adapter',
    args.adapter,
    '--route',
    args.route,
    '--rounds',
    args.rounds,
    '--batch',
    args.batch,
  ],
  { stdio: 'inherit' },
);
process.exit(ab.status ?? 1);
