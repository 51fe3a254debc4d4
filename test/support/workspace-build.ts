import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

/** The repository root (this file is test/support/workspace-build.ts). */
export const ROOT = resolve(__dirname, '..', '..');

/** Each workspace package's name and source folder, and the module's subpath entries. */
const PACKAGES: Readonly<Record<string, string>> = {
  '@unipay-assist/wire': 'packages/wire/src',
  '@unipay-assist/client': 'packages/client/src',
  '@unipay-assist/simulator': 'packages/simulator/src',
  '@unipay-assist/cli': 'packages/cli/src',
  'unipay-assist': 'packages/unipay-assist/src',
  'unipay-assist/health': 'packages/unipay-assist/src/health',
  'unipay-assist/metrics': 'packages/unipay-assist/src/metrics',
  'unipay-assist/openapi': 'packages/unipay-assist/src/openapi',
  'unipay-assist/doctor': 'packages/unipay-assist/src/doctor',
};
export type WorkspacePackage = keyof typeof PACKAGES;

export interface ScratchBuild {
  /** The scratch directory; node_modules/<package>/ inside it holds each package's JavaScript. */
  dir: string;
  /** For a child process: third-party packages from the repository's node_modules. */
  env: { NODE_PATH: string };
  dispose(): void;
}

const tsFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? tsFiles(p) : f.endsWith('.ts') && !f.endsWith('.d.ts') ? [p] : [];
  });

/**
 * Workspace packages transpiled (no type check, a few ms a file) into a scratch
 * node_modules, so a child process resolves `@unipay-assist/wire` and friends
 * the way an installed copy would, without touching any package's dist/ (which
 * a build in the work tree may be rewriting). For code without decorators: the
 * client, the CLI, the wire, the simulators.
 */
export function transpilePackages(names: readonly WorkspacePackage[], appFiles: readonly string[] = []): ScratchBuild {
  const dir = mkdtempSync(join(tmpdir(), 'unipay-pkgs-'));
  for (const name of names) {
    const src = join(ROOT, PACKAGES[name]);
    for (const file of tsFiles(src)) transpile(file, join(dir, 'node_modules', name, relative(src, file)));
  }
  // Files of an app (repository-relative) land at `<dir>/app/<their name>`, beside the packages they import.
  for (const file of appFiles) transpile(join(ROOT, file), join(dir, 'app', file.split('/').pop()!));
  return scratch(dir);
}

function transpile(from: string, to: string): void {
  const { outputText } = ts.transpileModule(readFileSync(from, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: from,
  });
  const target = to.replace(/\.ts$/, '.js');
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, outputText);
}

/**
 * Every workspace package and the demo app compiled by tsc in one program (the
 * decorators' metadata needs the type checker), into a scratch directory: the
 * demo's entry is `<dir>/apps/demo/src/main.js`, and each package name resolves
 * through a one-line shim in `<dir>/node_modules`. Call in a beforeAll with a
 * roomy timeout.
 */
export function compileWorkspace(): ScratchBuild {
  const dir = mkdtempSync(join(tmpdir(), 'unipay-app-'));
  // The repository's tsconfig (its paths resolve each package to its sources), sources only.
  const project = join(dir, 'tsconfig.json');
  writeFileSync(
    project,
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.json'),
      compilerOptions: {
        noEmit: false,
        outDir: dir,
        rootDir: ROOT,
        sourceMap: false,
        declaration: false,
        types: ['node'],
        typeRoots: [join(ROOT, 'node_modules/@types')],
      },
      include: [join(ROOT, 'packages/*/src'), join(ROOT, 'apps/*/src')],
    }),
  );
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', project], { stdio: 'pipe' });
  for (const [name, src] of Object.entries(PACKAGES)) {
    const shim = join(dir, 'node_modules', name, 'index.js');
    mkdirSync(dirname(shim), { recursive: true });
    writeFileSync(shim, `module.exports = require(${JSON.stringify(join(dir, src, 'index.js'))});\n`);
  }
  return scratch(dir);
}

function scratch(dir: string): ScratchBuild {
  return {
    dir,
    env: { NODE_PATH: join(ROOT, 'node_modules') },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
