import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { GatewayEnv, GatewayReady } from '../src/gateway-settings.js';

export interface GatewayProcess {
  base: string;
  ready: GatewayReady;
  /** What the process wrote so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts one gateway as a real Node ESM process (dist/src/main.js, built by
 * tsc before jest runs): NestJS 12 is ESM-only and the packed module needs
 * @nestjs/throttler (CommonJS), which requires @nestjs/common; plain Node does
 * that natively, jest's module registry does not.
 */
export async function startGatewayProcess(settings: GatewayEnv): Promise<GatewayProcess> {
  const main = fileURLToPath(new URL('../dist/src/main.js', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [main], {
    env: { ...process.env, ...settings },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (chunk) => (output += chunk));
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<GatewayReady>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`gateway ${JSON.stringify(settings)} exited ${code} before listening:\n${output}`)),
    );
    lines.on('line', (line) => {
      output += line + '\n';
      if (line.startsWith('{"listening"')) resolve(JSON.parse(line) as GatewayReady);
    });
  });
  return {
    base: ready.listening,
    ready,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
