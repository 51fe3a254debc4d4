import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { transpilePackages } from './workspace-build';

export interface SimulatorProcess {
  baseUrl: string;
  proc: ChildProcess;
  stdout(): string;
  stop(): Promise<void>;
}

/**
 * The standalone simulator as a real child process, like `npm run simulator`
 * (simulator.main with PORT/HOST/SIM_FAULTS from the environment), but
 * transpiled into a temp dir so the shared dist/ is left alone.
 */
export async function startSimulatorProcess(env: Record<string, string> = {}): Promise<SimulatorProcess> {
  // What `npm run simulator` runs: the simulator package and the demo's entry for it (no NestJS).
  const build = transpilePackages(
    ['@unipay-assist/simulator'],
    ['apps/demo/src/simulator.main.ts', 'apps/demo/src/demo-merchant.ts'],
  );
  const proc = spawn(process.execPath, [join(build.dir, 'app/simulator.main.js')], {
    env: { PATH: process.env.PATH ?? '', ...build.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  proc.stdout.on('data', (d: Buffer) => (text += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (text += d.toString()));
  const baseUrl = await new Promise<string>((ok, fail) => {
    // A bound for a process that never starts, sized for a loaded machine (node's own start alone can take seconds).
    const timer = setTimeout(() => fail(new Error(`simulator did not start: ${text}`)), 30_000);
    const look = () => {
      const m = /simulator on (http:\/\/\S+)/.exec(text);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    };
    proc.stdout.on('data', look);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`simulator exited with ${code}: ${text}`));
    });
  });
  return {
    baseUrl,
    proc,
    stdout: () => text,
    stop: () =>
      new Promise<void>((done) => {
        build.dispose();
        if (proc.exitCode !== null) return done();
        proc.once('exit', () => done());
        proc.kill('SIGTERM');
      }),
  };
}
