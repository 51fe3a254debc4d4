import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, redisPing, sleep } from './redis-server';

/**
 * Shared plumbing for the Cluster and Sentinel harnesses: redis-server
 * processes on 127.0.0.1 with their own temp dir, killed with SIGKILL (a
 * crash, not a clean shutdown) and restartable on the same port and dir.
 */

export const LOOPBACK = '127.0.0.1';

/** Distinct free loopback ports (the OS picks them; no fixed ports). */
export async function freePorts(count: number, avoid: ReadonlySet<number> = new Set()): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const p = await freePort();
    if (!ports.includes(p) && !avoid.has(p)) ports.push(p);
  }
  return ports;
}

/** Runs one redis-cli command against 127.0.0.1:port; rejects on a non-zero exit or after timeoutMs. */
export function redisCli(port: number, args: string[], timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'redis-cli',
      ['-h', LOOPBACK, '-p', String(port), ...args],
      { timeout: timeoutMs },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`redis-cli -p ${port} ${args.join(' ')}: ${stderr.trim() || err.message}`));
        else resolve(stdout);
      },
    );
  });
}

/** Like redisCli but null instead of an error (a node that is down). */
export async function tryRedisCli(port: number, args: string[], timeoutMs = 2000): Promise<string | null> {
  try {
    return await redisCli(port, args, timeoutMs);
  } catch {
    return null;
  }
}

/** `field:value` lines of INFO / CLUSTER INFO as a map. */
export function parseInfo(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) map.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  return map;
}

/** Polls until check() returns a value (not undefined) or throws once the time is up, naming what it waited for. */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 100,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() >= end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** One redis-server (or redis-server --sentinel) process that can crash and come back. */
export class RedisProcess {
  private proc?: ChildProcess;

  /**
   * @param args everything after the binary, without --port / --dir / --logfile (added here)
   * @param configFile for Sentinel: the config file it must be able to rewrite
   */
  constructor(
    readonly port: number,
    readonly dir: string,
    private readonly args: string[],
    private readonly configFile?: string,
  ) {}

  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  get logFile(): string {
    return join(this.dir, 'redis.log');
  }

  async start(timeoutMs = 5000): Promise<void> {
    if (this.running) return;
    const argv = [
      ...(this.configFile ? [this.configFile] : []),
      '--port',
      String(this.port),
      '--bind',
      LOOPBACK,
      '--dir',
      this.dir,
      '--logfile',
      this.logFile,
      '--save',
      '',
      '--appendonly',
      'no',
      ...this.args,
    ];
    const proc = spawn('redis-server', argv, { stdio: 'ignore' });
    this.proc = proc;
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(`redis-server on ${this.port} exited (${proc.exitCode ?? proc.signalCode}): ${this.logTail()}`);
      }
      if (await redisPing(this.port)) return;
      await sleep(50);
    }
    await this.kill();
    throw new Error(`redis-server on ${this.port} did not answer PING within ${timeoutMs} ms: ${this.logTail()}`);
  }

  /** SIGKILL: the process gets no chance to hand over, as in a crash. */
  async kill(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGKILL');
    await exited;
  }

  /** Sync kill for the process-exit safety net. */
  killNow(): void {
    if (this.running) this.proc?.kill('SIGKILL');
  }

  logTail(lines = 8): string {
    try {
      return readFileSync(this.logFile, 'utf8').trim().split('\n').slice(-lines).join(' | ');
    } catch {
      return '(no log)';
    }
  }
}

/**
 * A temp dir and a set of processes that are all killed and removed by
 * stop(), and killed at the latest when the test process exits (a crashed
 * test must not leave redis-servers behind).
 */
export class ProcessGroup {
  readonly root = mkdtempSync(join(tmpdir(), 'assist-redis-'));
  readonly processes: RedisProcess[] = [];
  private readonly onExit = () => this.processes.forEach((p) => p.killNow());

  constructor() {
    process.once('exit', this.onExit);
  }

  add(p: RedisProcess): RedisProcess {
    this.processes.push(p);
    return p;
  }

  byPort(port: number): RedisProcess {
    const p = this.processes.find((x) => x.port === port);
    if (!p) throw new Error(`no process on port ${port} in this group`);
    return p;
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.kill()));
    process.off('exit', this.onExit);
    rmSync(this.root, { recursive: true, force: true });
  }
}
