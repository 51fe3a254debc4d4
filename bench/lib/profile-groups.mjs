// Self time of a .cpuprofile by module group: which part of the stack the
// gateway's CPU goes to (Nest's router/guard/interceptor machinery, the
// adapter, class-validator/transformer, throttler, logger, metrics, our
// signing, JSON, Node's HTTP internals, GC). Native frames without a script
// (a crypto binding, a string builtin) count for the group of the nearest
// caller that has one, and so does node:internal/crypto: an HMAC computed by
// the signing code is the signing code's cost. JSON.parse / JSON.stringify
// are a group of their own whoever calls them.
//
// With --stages it also gives the inclusive share of named stages (the guard,
// the pipe, the log line, ...: each sample counted once per stage it is in).
//
//   node bench/lib/profile-groups.mjs FILE.cpuprofile [--cpu-us N] [--top 3] [--stages] [--json]
// --cpu-us: the server CPU µs per request of the same run (bench/results/*.json),
// to turn shares into µs per request.
import fs from 'node:fs';

/** [group, test on the frame's url] in order; the first match wins. */
const RELAY_GROUPS = [
  [
    'our sealing of stored answers (AES: exchange-key, replay-answer-seal)',
    /^(exchange\/exchange-key|replay\/replay-answer-seal)/,
  ],
  ['our signing (sign/verify, answer sign)', /^(signing|dialects|http\/envelope)\//],
  [
    'class-validator/transformer (+ our DTOs, pipe)',
    /^(http\/dto\/|http\/assist-validation\.pipe|http\/assist-body\.decorator)/,
  ],
  ['throttler guards (+ our storage)', /^rate-limit\//],
  ['logger (pino, nestjs-pino, our AssistLogger)', /^(kernel\/assist\.logger|kernel\/mask|demo\/demo-logging)/],
  ['metrics (prom-client, our metrics)', /^(metrics\/|kernel\/assist\.metrics)/],
  ['our guard steps (merchant, window, replay)', /^(http\/guards\/|replay\/|merchants\/)/],
  ['our other code (controller, service, filters, context, exchange)', /./],
];

const PACKAGE_GROUPS = [
  [
    'Nest router/guard/pipe/interceptor machinery (@nestjs/core, rxjs)',
    /^(@nestjs\/core|rxjs|reflect-metadata|tslib|iterare|uid|fast-safe-stringify)$/,
  ],
  [
    'logger (pino, nestjs-pino, our AssistLogger)',
    /^(pino|pino-http|nestjs-pino|pino-std-serializers|sonic-boom|fast-redact|thread-stream|quick-format-unescaped|atomic-sleep|on-exit-leak-free|safe-stable-stringify|get-caller-file|@pinojs\/redact|pino-abstract-transport|real-require)$/,
  ],
  [
    'class-validator/transformer (+ our DTOs, pipe)',
    /^(class-validator|class-transformer|validator|libphonenumber-js)$/,
  ],
  ['throttler guards (+ our storage)', /^@nestjs\/throttler$/],
  ['metrics (prom-client, our metrics)', /^(prom-client|tdigest|bintrees)$/],
  [
    'Fastify adapter (fastify, find-my-way, @nestjs/platform-fastify)',
    /^(fastify|@fastify\/.+|find-my-way|avvio|light-my-request|fast-json-stringify|secure-json-parse|fast-querystring|fast-decode-uri-component|toad-cache|abstract-logging|process-warning|rfdc|content-type|@nestjs\/platform-fastify|middie|path-to-regexp|safe-regex2|ret|fast-uri|ajv|json-schema-ref-resolver)$/,
  ],
  [
    'Express adapter (express, body-parser, @nestjs/platform-express)',
    /^(express|body-parser|router|raw-body|iconv-lite|qs|type-is|media-typer|mime-types|content-type|finalhandler|parseurl|send|serve-static|depd|on-finished|statuses|http-errors|encodeurl|escape-html|etag|fresh|vary|cookie|setprototypeof|merge-descriptors|methods|accepts|negotiator|bytes|debug|ms|@nestjs\/platform-express|side-channel.*|call-bind.*|get-intrinsic|es-.+|function-bind|has-.+|gopd|hasown|math-intrinsics|dunder-proto|object-inspect|unpipe|safer-buffer|forwarded|proxy-addr|ipaddr\.js)$/,
  ],
  [
    'axios (WeChat call)',
    /^(axios|follow-redirects|form-data|proxy-from-env|@nestjs\/axios|combined-stream|asynckit|delayed-stream|mime-db)$/,
  ],
  [
    'ioredis',
    /^(ioredis|@ioredis\/.+|redis-parser|cluster-key-slot|denque|standard-as-callback|redis-errors|lodash\..+)$/,
  ],
];

const NEST_COMMON_LOGGER = /@nestjs\/common\/services\/(logger|console-logger)/;

export function profileGroups(file, { top = 3 } = {}) {
  const p = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  for (let i = 0; i < p.samples.length; i++)
    self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));

  const memo = new Map();
  const groupOf = (id) => {
    if (memo.has(id)) return memo.get(id);
    const n = byId.get(id);
    const cf = n.callFrame;
    const url = cf.url ?? '';
    let g = own(cf, url);
    if (g === undefined) {
      // Native or crypto frame: its caller's group; at the root, Node/V8 other.
      const up = parent.get(id);
      g = up === undefined ? 'Node/V8 other' : groupOf(up);
      if (g === '(root)') g = 'Node/V8 other';
    }
    memo.set(id, g);
    return g;
  };

  let busy = 0;
  let idle = 0;
  const groups = new Map();
  for (const [id, us] of self) {
    const n = byId.get(id);
    if (underProfiler(id, byId, parent)) continue;
    if (n.callFrame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    busy += us;
    const g = groupOf(id);
    const entry = groups.get(g) ?? { us: 0, fns: new Map() };
    entry.us += us;
    const cf = n.callFrame;
    const fn = `${cf.functionName || '(anonymous)'} ${shortUrl(cf.url)}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
    entry.fns.set(fn, (entry.fns.get(fn) ?? 0) + us);
    groups.set(g, entry);
  }
  const pct = (us) => Math.round((us / busy) * 1000) / 10;
  const rows = [...groups]
    .sort((a, b) => b[1].us - a[1].us)
    .map(([name, e]) => ({
      name,
      pct: pct(e.us),
      ms: Math.round(e.us / 1000),
      top: [...e.fns]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([f, us]) => ({ name: f, pct: pct(us) })),
    }));
  return { busyMs: Math.round(busy / 1000), idleMs: Math.round(idle / 1000), groups: rows };
}

/** The frame's own group, or undefined when it should take its caller's. */
function own(cf, url) {
  const fn = cf.functionName;
  if (!url) {
    if (fn === '(garbage collector)') return 'garbage collector';
    if (fn === '(program)') return 'V8 (program: compiled code entry, ICs)';
    if (fn === '(root)') return '(root)';
    if (fn === 'stringify' || fn === 'parse') return 'JSON.parse / JSON.stringify';
    return undefined;
  }
  if (url.startsWith('node:internal/crypto') || url === 'node:crypto') return undefined;
  // util.deprecate is on the hot path only through AsyncResource#bind's DEP0172 accessors.
  if (fn === 'deprecate' && url === 'node:internal/util')
    return 'async context (AsyncResource.bind incl. its DEP0172 deprecate(), AsyncLocalStorage, async_hooks)';
  if (
    url.startsWith('node:internal/async_hooks') ||
    url.startsWith('node:async_hooks') ||
    url.includes('async_local_storage')
  ) {
    return 'async context (AsyncResource.bind incl. its DEP0172 deprecate(), AsyncLocalStorage, async_hooks)';
  }
  if (url.startsWith('node:')) return 'Node HTTP/net/streams/timers (node: internals)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    if (NEST_COMMON_LOGGER.test(url)) return 'logger (pino, nestjs-pino, our AssistLogger)';
    // Nest's ValidationPipe is the class-validator/transformer driver our pipe extends.
    if (url.includes('@nestjs/common/pipes/validation.pipe')) return 'class-validator/transformer (+ our DTOs, pipe)';
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    const pkg = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    if (pkg === '@nestjs/common') return 'Nest router/guard/pipe/interceptor machinery (@nestjs/core, rxjs)';
    for (const [g, re] of PACKAGE_GROUPS) if (re.test(pkg)) return g;
    return `other package: ${pkg}`;
  }
  const m = url.match(/\/(?:\.build[\w-]*|dist\/cjs|src)\/(.+?)\.(?:js|ts)$/);
  if (m) for (const [g, re] of RELAY_GROUPS) if (re.test(m[1])) return g;
  if (url.includes('/bench/')) return 'bench harness';
  return `other: ${shortUrl(url)}`;
}

/**
 * Inclusive stages: [name, test on a call frame]; a sample is in a stage when a frame of its stack passes.
 * A resumed async function has only itself on the stack, not its caller: so stages are named
 * for the functions that do the work (a guard's canActivate), never for Nest's consumers around them.
 */
export const STAGES = [
  [
    'socket writes (writev / writeGeneric: answers and the WeChat request)',
    (f) => /^write(v)?Generic$/.test(f.functionName) && f.url.startsWith('node:internal/stream_base_commons'),
  ],
  [
    'WeChat call (WechatOAuthService.exchangeCode: axios, or node:http in the floor)',
    (f) =>
      (f.functionName === 'exchangeCode' && f.url.includes('wechat/wechat-oauth.service')) ||
      (f.functionName === 'exchange' && f.url.endsWith('nest-floor-card.cjs')),
  ],
  [
    'an HTTP access logger (pino-http middleware, as nestjs-pino installs it; none in the demo now)',
    (f) => f.url.includes('node_modules/pino-http/'),
  ],
  [
    "AssistLogger line (through Nest's Logger to pino: the one line per request)",
    (f) => f.functionName === 'log' && f.url.includes('kernel/assist.logger'),
  ],
  [
    'DTO validation pipe (class-transformer + class-validator)',
    (f) => f.functionName === 'transform' && f.url.includes('http/assist-validation.pipe'),
  ],
  ['SignatureGuard', (f) => f.functionName === 'canActivate' && f.url.includes('http/guards/signature.guard')],
  ['  of which the request sign verify', (f) => f.functionName === 'verify' && f.url.includes('/signing/signature')],
  [
    'two rate-limit guards (@nestjs/throttler + our storage)',
    (f) =>
      (f.functionName === 'canActivate' || f.functionName === 'handleRequest') &&
      (f.url.includes('@nestjs/throttler/') || f.url.includes('rate-limit/assist-throttler.guard')),
  ],
  [
    'EnvelopeInterceptor answer (answer sign, metrics, log line)',
    (f) => f.functionName === 'answer' && f.url.includes('http/envelope/envelope.interceptor'),
  ],
  ['  of which the answer sign (dialect answer)', (f) => f.functionName === 'answer' && f.url.includes('/dialects/')],
  ['stored answer for retries (replay answers: seal and settle)', (f) => f.url.includes('/replay/replay-answer')],
  [
    'body parsing (Fastify content-type parser / body-parser json)',
    (f) => f.url.includes('fastify/lib/content-type-parser') || f.url.includes('body-parser/lib/types/json'),
  ],
  ['metrics (prom-client)', (f) => f.url.includes('node_modules/prom-client/')],
  [
    'AsyncResource.bind (Fastify body parser, Nest interceptors consumer)',
    (f) => f.functionName === 'bind' && f.url === 'node:async_hooks',
  ],
  ['garbage collector', (f) => f.functionName === '(garbage collector)'],
];

export function profileStages(file, stages = STAGES) {
  const p = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  for (let i = 0; i < p.samples.length; i++)
    self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
  let busy = 0;
  const sums = stages.map(() => 0);
  for (const [id, us] of self) {
    if (byId.get(id).callFrame.functionName === '(idle)' || underProfiler(id, byId, parent)) continue;
    busy += us;
    const hit = stages.map(() => false);
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur).callFrame;
      stages.forEach(([, test], i) => {
        if (!hit[i] && test(cf)) hit[i] = true;
      });
    }
    hit.forEach((h, i) => h && (sums[i] += us));
  }
  return stages.map(([name], i) => ({ name, pct: Math.round((sums[i] / busy) * 1000) / 10 }));
}

function underProfiler(id, byId, parent) {
  for (let cur = id; cur !== undefined; cur = parent.get(cur))
    if (byId.get(cur).callFrame.url.endsWith('cpu-profile.cjs')) return true;
  return false;
}

function shortUrl(url) {
  if (!url) return '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const b = url.match(/\/\.build[\w-]*\//);
  if (b) return url.slice(b.index + b[0].length);
  return url.replace(/^file:\/\//, '');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  const opt = (k) => {
    const i = argv.indexOf(k);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const r = profileGroups(argv[0], { top: Number(opt('--top') ?? 3) });
  const cpuUs = opt('--cpu-us') ? Number(opt('--cpu-us')) : undefined;
  const stages = argv.includes('--stages') ? profileStages(argv[0]) : undefined;
  if (argv.includes('--json')) {
    console.log(JSON.stringify({ ...r, stages }, null, 2));
  } else {
    console.log(`busy ${r.busyMs} ms, idle ${r.idleMs} ms${cpuUs ? `; µs/req from server CPU ${cpuUs} µs/req` : ''}\n`);
    console.log(`| group | self % |${cpuUs ? ' µs/req |' : ''} top self entries |`);
    console.log(`|---|---:|${cpuUs ? '---:|' : ''}---|`);
    for (const g of r.groups) {
      const us = cpuUs ? ` ${Math.round((g.pct * cpuUs) / 10) / 10} |` : '';
      console.log(`| ${g.name} | ${g.pct} |${us} ${g.top.map((f) => `${f.name} ${f.pct}%`).join('; ')} |`);
    }
    if (stages) {
      console.log(`\n| stage (inclusive) | share % |${cpuUs ? ' µs/req |' : ''}`);
      console.log(`|---|---:|${cpuUs ? '---:|' : ''}`);
      for (const st of stages)
        console.log(`| ${st.name} | ${st.pct} |${cpuUs ? ` ${Math.round((st.pct * cpuUs) / 10) / 10} |` : ''}`);
    }
  }
}
