import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts, LOOPBACK, parseInfo, ProcessGroup, RedisProcess, tryRedisCli, waitUntil } from './redis-process';

export interface RedisSentinelOptions {
  /** The master group name. Default "assist". */
  name?: string;
  /** Sentinels (quorum is a majority of them). Default 3. */
  sentinels?: number;
  /** down-after-milliseconds: silence before a master is subjectively down. Default 1000. */
  downAfterMs?: number;
  /** failover-timeout. Default 3000. */
  failoverTimeoutMs?: number;
  /** Bound for start() as a whole. Default 30 s. */
  startTimeoutMs?: number;
}

/**
 * 1 master + 1 replica + N Sentinels (redis-server --sentinel), all on
 * 127.0.0.1 with OS-chosen ports and temp dirs. Quorum is a majority (2 of
 * 3). Kill the master, wait for the Sentinels to promote the replica,
 * restart the old master: the Sentinels turn it into a replica of the new one.
 */
export class RedisSentinelHarness {
  private constructor(
    private readonly group: ProcessGroup,
    readonly name: string,
    readonly dataPorts: [number, number],
    readonly sentinelPorts: number[],
  ) {}

  static async start(options: RedisSentinelOptions = {}): Promise<RedisSentinelHarness> {
    const name = options.name ?? 'assist';
    const sentinelCount = options.sentinels ?? 3;
    const quorum = Math.floor(sentinelCount / 2) + 1;
    const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
    const group = new ProcessGroup();
    try {
      const [masterPort, replicaPort, ...sentinelPorts] = await freePorts(2 + sentinelCount);
      const dataDir = (label: string) => {
        const dir = join(group.root, label);
        mkdirSync(dir);
        return dir;
      };
      const master = group.add(new RedisProcess(masterPort, dataDir('data-a'), []));
      const replica = group.add(
        new RedisProcess(replicaPort, dataDir('data-b'), ['--replicaof', LOOPBACK, String(masterPort)]),
      );
      await master.start();
      await replica.start();
      for (const [i, port] of sentinelPorts.entries()) {
        const dir = dataDir(`sentinel-${i}`);
        // Sentinel rewrites its config file as it learns the topology, so each gets its own.
        const conf = join(dir, 'sentinel.conf');
        writeFileSync(
          conf,
          [
            `sentinel monitor ${name} ${LOOPBACK} ${masterPort} ${quorum}`,
            `sentinel down-after-milliseconds ${name} ${options.downAfterMs ?? 1000}`,
            `sentinel failover-timeout ${name} ${options.failoverTimeoutMs ?? 3000}`,
            `sentinel parallel-syncs ${name} 1`,
            '',
          ].join('\n'),
        );
        group.add(new RedisProcess(port, dir, ['--sentinel'], conf));
      }
      await Promise.all(group.processes.slice(2).map((p) => p.start()));
      const harness = new RedisSentinelHarness(group, name, [masterPort, replicaPort], sentinelPorts);
      await harness.waitSettled(masterPort, Math.max(1000, deadline - Date.now()));
      return harness;
    } catch (err) {
      await group.stop();
      throw err;
    }
  }

  get sentinels(): { host: string; port: number }[] {
    return this.sentinelPorts.map((port) => ({ host: LOOPBACK, port }));
  }

  /** The REDIS_SENTINELS value. */
  get envSentinels(): string {
    return this.sentinels.map((s) => `${s.host}:${s.port}`).join(',');
  }

  isRunning(port: number): boolean {
    return this.group.byPort(port).running;
  }

  /** The master port a majority of running Sentinels report (undefined while they disagree). */
  async reportedMaster(): Promise<number | undefined> {
    const votes = new Map<number, number>();
    for (const port of this.sentinelPorts) {
      const out = await tryRedisCli(port, ['sentinel', 'get-master-addr-by-name', this.name]);
      const lines = out?.trim().split('\n') ?? [];
      if (lines.length === 2) votes.set(Number(lines[1]), (votes.get(Number(lines[1])) ?? 0) + 1);
    }
    const majority = Math.floor(this.sentinelPorts.length / 2) + 1;
    for (const [port, n] of votes) if (n >= majority) return port;
    return undefined;
  }

  /** SIGKILL a data node (or a Sentinel). */
  async kill(port: number): Promise<void> {
    await this.group.byPort(port).kill();
  }

  /**
   * Waits until the Sentinels report a master other than `oldMasterPort`
   * and that node says role:master; returns its port.
   */
  async waitForPromotion(oldMasterPort: number, timeoutMs = 20_000): Promise<number> {
    return waitUntil(
      `the Sentinels to promote a replica of ${oldMasterPort}`,
      async () => {
        const port = await this.reportedMaster();
        if (port === undefined || port === oldMasterPort) return undefined;
        const role = parseInfo((await tryRedisCli(port, ['info', 'replication'])) ?? '').get('role');
        return role === 'master' ? port : undefined;
      },
      timeoutMs,
    );
  }

  /**
   * Restarts a killed data node on its port and dir (with its original
   * arguments: a former master comes back believing it is a master), then
   * waits until the Sentinels have made it a replica of the current master
   * and it has synced.
   */
  async restartAsReplica(port: number, timeoutMs = 40_000): Promise<void> {
    await this.group.byPort(port).start();
    await waitUntil(
      `${port} to rejoin as a replica`,
      async () => {
        const master = await this.reportedMaster();
        if (master === undefined || master === port) return undefined;
        const info = parseInfo((await tryRedisCli(port, ['info', 'replication'])) ?? '');
        const linked =
          info.get('role') === 'slave' &&
          info.get('master_port') === String(master) &&
          info.get('master_link_status') === 'up';
        return linked ? true : undefined;
      },
      timeoutMs,
    );
  }

  async stop(): Promise<void> {
    await this.group.stop();
  }

  /** Every Sentinel sees the master, the replica and the other Sentinels, and the replica is in sync. */
  private async waitSettled(masterPort: number, timeoutMs: number): Promise<void> {
    const others = String(this.sentinelPorts.length - 1);
    await waitUntil(
      'the Sentinels to discover the replica and each other',
      async () => {
        for (const port of this.sentinelPorts) {
          const fields = pairs((await tryRedisCli(port, ['sentinel', 'master', this.name])) ?? '');
          if (
            fields.get('port') !== String(masterPort) ||
            fields.get('num-slaves') !== '1' ||
            fields.get('num-other-sentinels') !== others
          ) {
            return undefined;
          }
          if (fields.get('flags') !== 'master') return undefined;
        }
        const info = parseInfo((await tryRedisCli(this.dataPorts[1], ['info', 'replication'])) ?? '');
        return info.get('master_link_status') === 'up' ? true : undefined;
      },
      timeoutMs,
      200,
    );
  }
}

/** redis-cli prints a Sentinel reply map as alternating key / value lines. */
function pairs(text: string): Map<string, string> {
  const lines = text.trim().split('\n');
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < lines.length; i += 2) map.set(lines[i], lines[i + 1]);
  return map;
}
