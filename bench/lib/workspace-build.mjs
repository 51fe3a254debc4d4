// The bench's and the soak's private build of the gateway: every workspace package
// and the demo app compiled by tsc in one program into a scratch directory (never
// a package's dist/, which a build in the work tree may be rewriting), with a
// one-line shim per package name in <out>/node_modules so the compiled files
// resolve each other as installed packages would.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

const PACKAGES = {
  '@unipay-assist/wire': 'packages/wire/src',
  '@unipay-assist/client': 'packages/client/src',
  '@unipay-assist/simulator': 'packages/simulator/src',
  '@unipay-assist/cli': 'packages/cli/src',
  'unipay-assist': 'packages/unipay-assist/src',
  'unipay-assist/health': 'packages/unipay-assist/src/health',
  'unipay-assist/metrics': 'packages/unipay-assist/src/metrics',
  'unipay-assist/openapi': 'packages/unipay-assist/src/openapi',
};

/** Compiles the tree at `root` into `out`; returns tsc's output when it reported errors (it still emits). */
export function compileWorkspace(root, out, tsc) {
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const project = path.join(out, 'tsconfig.json');
  fs.writeFileSync(
    project,
    JSON.stringify({
      extends: path.join(root, 'tsconfig.json'),
      compilerOptions: {
        noEmit: false,
        outDir: out,
        rootDir: root,
        sourceMap: false,
        declaration: false,
        types: ['node'],
        typeRoots: [path.join(root, 'node_modules/@types')],
      },
      include: [path.join(root, 'packages/*/src'), path.join(root, 'apps/*/src')],
    }),
  );
  const r = spawnSync(process.execPath, [tsc, '-p', project], { cwd: root, encoding: 'utf8' });
  for (const [name, src] of Object.entries(PACKAGES)) {
    const shim = path.join(out, 'node_modules', name, 'index.js');
    fs.mkdirSync(path.dirname(shim), { recursive: true });
    fs.writeFileSync(shim, `module.exports = require(${JSON.stringify(path.join(out, src, 'index.js'))});\n`);
  }
  return r.status === 0 ? undefined : r.stdout + r.stderr;
}

/**
 * A compiled file by its place in the single-package layout the bench was written for
 * (`main.js`, `simulator/simulator.main.js`, `signing/signature.js`, `demo/demo-merchant.js` ...),
 * in a build of either layout: a GATEWAY@REF build of a commit before the split has the old one.
 */
export function builtFile(out, rel) {
  if (fs.existsSync(path.join(out, rel))) return path.join(out, rel);
  const [top, ...rest] = rel.split('/');
  const tail = rest.join('/');
  const mapped =
    rel === 'main.js'
      ? 'apps/demo/src/main.js'
      : rel === 'simulator/simulator.main.js'
        ? 'apps/demo/src/simulator.main.js'
        : top === 'demo'
          ? `apps/demo/src/${tail}`
          : top === 'signing' || top === 'dialects'
            ? `packages/wire/src/${rel}`
            : ['kernel/error-codes.js', 'kernel/mask.js', 'kernel/is-record.js'].includes(rel)
              ? `packages/wire/src/${tail}`
              : top === 'simulator'
                ? `packages/simulator/src/${tail}`
                : top === 'client'
                  ? `packages/client/src/${tail}`
                  : top === 'cli'
                    ? `packages/cli/src/${tail}`
                    : `packages/unipay-assist/src/${rel}`;
  return path.join(out, mapped);
}
