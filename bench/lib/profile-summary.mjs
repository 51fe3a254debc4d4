// Reads a .cpuprofile and adds up self time by package and by function, so a
// profile can be read in a table (open the file in Chrome DevTools for more).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function summarizeProfile(file, top = 20) {
  const p = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  // Leave out the profiler's own work (the stop call under cpu-profile.cjs).
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const ours = new Set();
  for (const n of p.nodes) {
    for (let cur = n.id; cur !== undefined; cur = parent.get(cur)) {
      if (byId.get(cur).callFrame.url.endsWith('cpu-profile.cjs')) {
        ours.add(n.id);
        break;
      }
    }
  }
  const self = new Map();
  // timeDeltas[i] is the time before sample i.
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i];
    self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  }
  let total = 0;
  let idle = 0;
  const pkgs = new Map();
  const fns = new Map();
  for (const [id, us] of self) {
    if (ours.has(id)) continue;
    const n = byId.get(id);
    const cf = n.callFrame;
    total += us;
    if (cf.functionName === '(idle)') {
      idle += us;
      continue;
    }
    const pkg = packageOf(cf);
    pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + us);
    const fn = `${cf.functionName || '(anonymous)'} ${shortUrl(cf.url)}:${cf.lineNumber + 1}`;
    fns.set(fn, (fns.get(fn) ?? 0) + us);
  }
  const busy = total - idle;
  const pct = (us) => Math.round((us / busy) * 1000) / 10;
  const sorted = (m) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, pct: pct(us), ms: Math.round(us / 1000) }));
  return {
    busyMs: Math.round(busy / 1000),
    idleMs: Math.round(idle / 1000),
    byPackage: sorted(pkgs),
    byFunction: sorted(fns),
  };
}

function packageOf(cf) {
  const url = cf.url ?? '';
  if (!url) return cf.functionName.startsWith('(') ? cf.functionName : '(native/V8)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const m = url.match(/\/(?:\.build[\w-]*|dist\/cjs|src)\/(.+?)\.(?:js|ts)$/);
  if (m) return `relay:${m[1].split('/')[0]}`;
  return shortUrl(url);
}

function shortUrl(url) {
  if (!url) return '';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const b = url.match(/\/\.build[\w-]*\//);
  if (b) return url.slice(b.index + b[0].length);
  // Relative to the repository: results are committed, and a machine's paths are not theirs to carry.
  const file = url.replace(/^file:\/\//, '');
  return file.startsWith(REPO_ROOT) ? file.slice(REPO_ROOT.length) : file;
}

const REPO_ROOT = `${path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))))}/`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = summarizeProfile(process.argv[2], Number(process.argv[3] ?? 25));
  console.log(`busy ${s.busyMs} ms, idle ${s.idleMs} ms`);
  console.log('\nby package:');
  for (const x of s.byPackage) console.log(`  ${String(x.pct).padStart(5)}%  ${x.name}`);
  console.log('\nby function (self):');
  for (const x of s.byFunction) console.log(`  ${String(x.pct).padStart(5)}%  ${x.name}`);
}
