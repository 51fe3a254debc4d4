import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

export interface CompiledApp {
  /** The compiled src/ (main.js at its root), as `npm start` runs it from dist/cjs. */
  dir: string;
  /** What a child running it needs to find the repo's packages from a scratch directory. */
  env: { NODE_PATH: string };
  dispose(): void;
}

/**
 * src/ compiled once with tsc into a scratch directory (never dist/, which
 * another session may be rebuilding), for suites that start the app as a
 * process. Each child then runs plain JavaScript: no per-process transpile
 * racing the others for the CPU. Call in a beforeAll with a roomy timeout.
 */
export function compileApp(): CompiledApp {
  const dir = mkdtempSync(join(tmpdir(), 'unipay-app-'));
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', dir, '--sourceMap', 'false', '--declaration', 'false'],
    { stdio: 'pipe' },
  );
  return { dir, env: { NODE_PATH: join(ROOT, 'node_modules') }, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
