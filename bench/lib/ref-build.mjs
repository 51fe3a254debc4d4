// GATEWAY@REF: the tree of a git ref compiled beside the work tree's own build, so a
// before/after comparison runs in one run on one machine (run.mjs, ab.mjs).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BENCH_DIR, ROOT } from './common.mjs';
import { builtFile, compileWorkspace } from './workspace-build.mjs';

/**
 * src of git ref `ref` compiled into bench/.ref/<commit>/build (once per commit), for the GATEWAY@REF
 * targets: a before/after comparison in one run, on one machine. Its packages resolve from this tree's
 * node_modules, so a ref that needs packages the tree no longer has needs them installed (npm i --no-save).
 */
export function buildRef(ref) {
  const sha = spawnSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], {
    cwd: ROOT,
    encoding: 'utf8',
  }).stdout.trim();
  if (!/^[0-9a-f]{40}$/.test(sha)) throw new Error(`not a commit: ${ref}`);
  const dir = path.join(BENCH_DIR, '.ref', sha.slice(0, 12));
  const out = path.join(dir, 'build');
  if (fs.existsSync(builtFile(out, 'main.js'))) return out;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  // A commit from before the workspace split has src/ and tsconfig.build.json; one after it, packages/ and apps/.
  const split = spawnSync('git', ['cat-file', '-e', `${sha}:packages`], { cwd: ROOT }).status === 0;
  const paths = split
    ? ['packages', 'apps', 'tsconfig.json', 'tsconfig.base.json']
    : ['src', 'tsconfig.json', 'tsconfig.build.json'];
  const archive = spawnSync('git', ['archive', '--format=tar', sha, ...paths], { cwd: ROOT, maxBuffer: 1 << 28 });
  if (archive.status !== 0) throw new Error(`git archive ${ref} failed: ${archive.stderr}`);
  const untar = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
  if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  let errors;
  if (split) errors = compileWorkspace(dir, out, tsc);
  else {
    const r = spawnSync(
      process.execPath,
      [
        tsc,
        '-p',
        'tsconfig.build.json',
        '--outDir',
        out,
        '--declaration',
        'false',
        '--declarationMap',
        'false',
        '--sourceMap',
        'false',
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    if (r.status !== 0) errors = r.stdout + r.stderr;
  }
  if (errors) console.log(`(tsc reported errors building ${ref})\n${errors.slice(0, 2000)}`);
  if (!fs.existsSync(builtFile(out, 'main.js'))) throw new Error(`building ${ref} produced no main.js`);
  console.log(`built ${ref} (${sha.slice(0, 12)}) into ${path.relative(ROOT, out)}`);
  return out;
}
