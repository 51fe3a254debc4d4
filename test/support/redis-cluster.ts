import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  freePorts,
  LOOPBACK,
  parseInfo,
  ProcessGroup,
  redisCli,
  RedisProcess,
  tryRedisCli,
  waitUntil,
} from './redis-process';

export interface RedisClusterOptions {
  /** Masters (at least 3, as redis-cli requires). Default 3. */
  masters?: number;
  /** Replicas per master; 1 makes failover possible. Default 1. */
  replicasPerMaster?: 0 | 1;
  /** cluster-node-timeout: how long a silent master takes to be failed. Default 1000 ms. */
  nodeTimeoutMs?: number;
  /** Bound for start() as a whole. Default 30 s. */
  startTimeoutMs?: number;
}

export interface ClusterNodeInfo {
  id: string;
  port: number;
  role: 'master' | 'replica';
  /** For a replica, the id of its master. */
  masterId?: string;
  failed: boolean;
  /** Slot ranges, e.g. ["0-5460"], for a master. */
  slots: string[];
}

/**
 * A real Redis Cluster on 127.0.0.1: `masters` masters and optionally one
 * replica each, every node on OS-chosen ports (client and bus) with its own
 * temp dir. Nodes keep their dir (and nodes.conf) across kill/restart, so a
 * restarted master rejoins the cluster, as a replica of whoever replaced it.
 */
export class RedisClusterHarness {
  private readonly slotsOfKilled = new Map<number, string[]>();

  private constructor(
    private readonly group: ProcessGroup,
    readonly nodeTimeoutMs: number,
  ) {}

  static async start(options: RedisClusterOptions = {}): Promise<RedisClusterHarness> {
    const masters = options.masters ?? 3;
    const replicas = options.replicasPerMaster ?? 1;
    const nodeTimeoutMs = options.nodeTimeoutMs ?? 1000;
    const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
    const count = masters * (1 + replicas);
    const group = new ProcessGroup();
    const harness = new RedisClusterHarness(group, nodeTimeoutMs);
    try {
      // A client port and a bus port per node, both picked by the OS: the
      // default bus port (port + 10000) may be taken or beyond 65535.
      const ports = await freePorts(count * 2);
      for (let i = 0; i < count; i++) {
        const dir = join(group.root, `node-${i}`);
        mkdirSync(dir);
        group.add(
          new RedisProcess(ports[2 * i], dir, [
            '--cluster-enabled',
            'yes',
            '--cluster-port',
            String(ports[2 * i + 1]),
            '--cluster-config-file',
            join(dir, 'nodes.conf'),
            '--cluster-node-timeout',
            String(nodeTimeoutMs),
            // A failed-over replica may promote even if it lost touch with its master a while ago.
            '--cluster-replica-validity-factor',
            '0',
          ]),
        );
      }
      await Promise.all(group.processes.map((p) => p.start()));
      await createCluster(
        group.processes.map((p) => `${LOOPBACK}:${p.port}`),
        replicas,
        Math.max(1000, deadline - Date.now()),
      );
      await harness.waitHealthy(Math.max(1000, deadline - Date.now()));
      return harness;
    } catch (err) {
      await group.stop();
      throw err;
    }
  }

  /** Every node's address (masters and replicas), as a client takes seeds. */
  get nodes(): { host: string; port: number }[] {
    return this.group.processes.map((p) => ({ host: LOOPBACK, port: p.port }));
  }

  /** The REDIS_CLUSTER_NODES value for this cluster. */
  get envNodes(): string {
    return this.nodes.map((n) => `${n.host}:${n.port}`).join(',');
  }

  isRunning(port: number): boolean {
    return this.group.byPort(port).running;
  }

  /** The topology as a running node sees it (CLUSTER NODES). */
  async topology(): Promise<ClusterNodeInfo[]> {
    for (const p of this.group.processes) {
      if (!p.running) continue;
      const text = await tryRedisCli(p.port, ['cluster', 'nodes']);
      if (text) return parseClusterNodes(text);
    }
    throw new Error('no cluster node answers');
  }

  /** Port of the master that currently serves `key`'s slot (per a running node's view). */
  async masterPortForKey(key: string): Promise<number> {
    const running = this.group.processes.find((p) => p.running);
    if (!running) throw new Error('no cluster node is running');
    const slot = Number((await redisCli(running.port, ['cluster', 'keyslot', key])).trim());
    const port = (await this.slotOwners())(slot);
    if (port === undefined) throw new Error(`no live master serves slot ${slot}`);
    return port;
  }

  /** One topology read, as a lookup: slot → port of the live master serving it. */
  async slotOwners(): Promise<(slot: number) => number | undefined> {
    const masters = (await this.topology()).filter((n) => n.role === 'master' && !n.failed);
    return (slot) => masters.find((n) => n.slots.some((r) => inRange(r, slot)))?.port;
  }

  /** SIGKILL one node (remembering which slots it served, for waitForPromotion). */
  async kill(port: number): Promise<void> {
    const me = (await this.topology()).find((n) => n.port === port);
    if (me && me.role === 'master' && me.slots.length > 0) this.slotsOfKilled.set(port, me.slots);
    await this.group.byPort(port).kill();
  }

  /**
   * Waits until the slots the killed master `killedPort` served are served by
   * another, live master and every running node says cluster_state:ok;
   * returns that master's port.
   */
  async waitForPromotion(killedPort: number, timeoutMs = 20_000): Promise<number> {
    const slots = this.slotsOfKilled.get(killedPort);
    if (!slots) throw new Error(`${killedPort} was not a master with slots when killed`);
    const firstSlot = Number(slots[0].split('-')[0]);
    return waitUntil(
      `another master to take over the slots of ${killedPort}`,
      async () => {
        const nodes = await this.topology().catch((): ClusterNodeInfo[] => []);
        const heir = nodes.find(
          (n) =>
            n.role === 'master' && !n.failed && n.port !== killedPort && n.slots.some((r) => inRange(r, firstSlot)),
        );
        if (!heir || !(await this.clusterOk())) return undefined;
        return heir.port;
      },
      timeoutMs,
    );
  }

  /**
   * Restarts a killed node on its port and dir. A former master rejoins as a
   * replica of the node that replaced it; resolves once it has synced and
   * every running node sees it as a replica. A restarted master first comes
   * back believing it is still a master (its nodes.conf says so) and is only
   * turned into a replica when the cluster's gossip reaches it: on a busy
   * machine that takes a moment, and cluster_state can read ok meanwhile, so
   * "up and cluster ok" is not yet "rejoined".
   */
  async restart(port: number, timeoutMs = 45_000): Promise<void> {
    const wasMaster = this.slotsOfKilled.has(port);
    await this.group.byPort(port).start();
    await waitUntil(
      `node ${port} to rejoin the cluster${wasMaster ? ' as a replica' : ''}`,
      async () => {
        for (const p of this.group.processes) {
          if (!p.running) continue;
          const text = await tryRedisCli(p.port, ['cluster', 'nodes']);
          const me = text ? parseClusterNodes(text).find((n) => n.port === port) : undefined;
          if (!me || me.failed) return undefined;
          if (wasMaster && me.role !== 'replica') return undefined;
        }
        const info = parseInfo((await tryRedisCli(port, ['info', 'replication'])) ?? '');
        if (wasMaster && info.get('role') !== 'slave') return undefined;
        if (info.get('role') === 'slave' && info.get('master_link_status') !== 'up') return undefined;
        return (await this.clusterOk()) ? true : undefined;
      },
      timeoutMs,
    );
    this.slotsOfKilled.delete(port);
  }

  async stop(): Promise<void> {
    await this.group.stop();
  }

  /** cluster_state:ok on every running node, every replica linked to its master. */
  private async waitHealthy(timeoutMs: number): Promise<void> {
    await waitUntil(
      'cluster_state:ok on every node with replicas in sync',
      async () => {
        if (!(await this.clusterOk())) return undefined;
        for (const p of this.group.processes) {
          const info = parseInfo((await tryRedisCli(p.port, ['info', 'replication'])) ?? '');
          if (info.get('role') === 'slave' && info.get('master_link_status') !== 'up') return undefined;
        }
        return true;
      },
      timeoutMs,
    );
  }

  private async clusterOk(): Promise<boolean> {
    for (const p of this.group.processes) {
      if (!p.running) continue;
      const info = parseInfo((await tryRedisCli(p.port, ['cluster', 'info'])) ?? '');
      if (info.get('cluster_state') !== 'ok') return false;
    }
    return true;
  }
}

function createCluster(addresses: string[], replicas: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      'redis-cli',
      ['--cluster', 'create', ...addresses, '--cluster-replicas', String(replicas), '--cluster-yes'],
      { timeout: timeoutMs },
      (err, stdout, stderr) =>
        err ? reject(new Error(`redis-cli --cluster create failed: ${stderr || stdout || err.message}`)) : resolve(),
    );
  });
}

/** Parses CLUSTER NODES lines: `<id> <ip:port@bus> <flags> <master> <ping> <pong> <epoch> <link> <slot>…`. */
export function parseClusterNodes(text: string): ClusterNodeInfo[] {
  return text
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const f = line.trim().split(' ');
      const flags = f[2].split(',');
      return {
        id: f[0],
        port: Number(f[1].split('@')[0].split(':').pop()),
        role: flags.includes('master') ? 'master' : 'replica',
        masterId: f[3] === '-' ? undefined : f[3],
        failed: flags.includes('fail') || flags.includes('fail?'),
        // Slot entries; importing/migrating markers ("[…]") are not served slots.
        slots: f.slice(8).filter((s) => !s.startsWith('[')),
      } satisfies ClusterNodeInfo;
    });
}

function inRange(range: string, slot: number): boolean {
  const [a, b] = range.split('-').map(Number);
  return slot >= a && slot <= (b ?? a);
}
