import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import * as ts from 'typescript';

const ROOT = resolve(__dirname, '..', '..');
// What `npm run simulator` runs: the simulator folder and the demo app it knows (no NestJS).
const SOURCES = ['src/simulator', 'src/demo/demo-merchant.ts'];

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
  const out = mkdtempSync(join(tmpdir(), 'unipay-sim-'));
  for (const entry of SOURCES) {
    const files = entry.endsWith('.ts') ? [entry] : readdirSync(join(ROOT, entry)).filter((f) => f.endsWith('.ts')).map((f) => `${entry}/${f}`);
    for (const file of files) {
      const { outputText } = ts.transpileModule(readFileSync(join(ROOT, file), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
        fileName: file,
      });
      const target = join(out, file.replace(/\.ts$/, '.js'));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, outputText);
    }
  }
  const proc = spawn(process.execPath, [join(out, 'src/simulator/simulator.main.js')], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  proc.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const baseUrl = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`simulator did not start: ${text}`)), 10_000);
    const look = () => {
      const m = /simulator on (http:\/\/\S+)/.exec(text);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    };
    proc.stdout!.on('data', look);
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
        rmSync(out, { recursive: true, force: true });
        if (proc.exitCode !== null) return done();
        proc.once('exit', () => done());
        proc.kill('SIGTERM');
      }),
  };
}
