import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import * as ts from 'typescript';

const ROOT = resolve(__dirname, '..', '..');
// The CLI and everything it imports: it must stay this small (no NestJS).
// src/kernel for the two pure helpers the client shares (mask, is-record); client.spec checks nothing else is loaded.
const CLI_DIRS = ['src/cli', 'src/client', 'src/signing', 'src/kernel'];
// `doctor` loads the relay's own merchant, channel and Redis code (only when that command runs), still no NestJS.
const DOCTOR_DIRS = ['src/doctor', 'src/merchants', 'src/alipay', 'src/redis', 'src/dialects'];

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface BuiltCli {
  run(args: string[], env?: Record<string, string>): Promise<CliRun>;
  dispose(): void;
}

/**
 * Transpiles the CLI's sources (no type check, a few ms) into a temp dir and
 * runs its bin entry as a real child process, as a shell user would.
 */
export function buildCli(options: { doctor?: boolean } = {}): BuiltCli {
  const out = mkdtempSync(join(tmpdir(), 'unipay-cli-'));
  for (const dir of options.doctor ? [...CLI_DIRS, ...DOCTOR_DIRS] : CLI_DIRS) {
    for (const file of readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(ROOT, dir, file), 'utf8');
      const { outputText } = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
        fileName: file,
      });
      const target = join(out, dir, file.replace(/\.ts$/, '.js'));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, outputText);
    }
  }
  const bin = join(out, 'src/cli/main.js');
  return {
    run: (args, env = {}) =>
      new Promise((done) => {
        execFile(
          process.execPath,
          [bin, ...args],
          // Only what the CLI needs: no UNIPAY_ASSIST_* leaking in from the shell.
          { env: { PATH: process.env.PATH ?? '', NODE_PATH: join(ROOT, 'node_modules'), ...env }, timeout: 20_000 },
          (err, stdout, stderr) => {
            const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
            done({ code, stdout, stderr });
          },
        );
      }),
    dispose: () => rmSync(out, { recursive: true, force: true }),
  };
}
