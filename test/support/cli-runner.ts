import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { transpilePackages } from './workspace-build';

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
  // The CLI and everything it imports: it must stay this small (no NestJS). `doctor` also needs the
  // module's unipay-assist/doctor entry (still no NestJS), loaded only when that command runs.
  const build = transpilePackages([
    '@unipay-assist/cli',
    '@unipay-assist/client',
    '@unipay-assist/wire',
    ...(options.doctor ? (['unipay-assist'] as const) : []),
  ]);
  const bin = join(build.dir, 'node_modules/@unipay-assist/cli/main.js');
  return {
    run: (args, env = {}) =>
      new Promise((done) => {
        execFile(
          process.execPath,
          [bin, ...args],
          // Only what the CLI needs: no UNIPAY_ASSIST_* leaking in from the shell.
          { env: { PATH: process.env.PATH ?? '', ...build.env, ...env }, timeout: 20_000 },
          (err, stdout, stderr) => {
            const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
            done({ code, stdout, stderr });
          },
        );
      }),
    dispose: build.dispose,
  };
}
