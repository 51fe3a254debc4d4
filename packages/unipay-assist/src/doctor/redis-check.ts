import { Cluster, Redis } from 'ioredis';
import { AssistRedisOption, openAssistRedis } from '../redis/assist-redis-connection';
import { DoctorRow } from './doctor-report';

const RELAY = '(relay)';

/**
 * Redis answers, and what it is: the deployment (single, sentinel, cluster),
 * the master's role and its replicas (INFO replication), or the cluster's
 * state and its masters and replicas. Skipped when no Redis is configured.
 */
export async function checkRedis(
  options: { redis?: AssistRedisOption; redisUrl?: string },
  timeoutMs: number,
): Promise<DoctorRow> {
  const row = (status: DoctorRow['status'], detail: string): DoctorRow => ({
    merchant: RELAY,
    check: 'redis',
    status,
    detail,
  });
  let connection;
  try {
    connection = openAssistRedis(options);
  } catch (err) {
    return row('fail', err instanceof Error ? err.message : 'bad Redis settings');
  }
  if (!connection)
    return row('skip', 'no Redis configured: replay memory, exchange cache and rate limits are per process');
  try {
    const topology = await withTimeout(describeTopology(connection.client), timeoutMs);
    return row('ok', `${connection.description}: ${topology}`);
  } catch (err) {
    const reason =
      err instanceof TimeoutError ? `no answer within ${timeoutMs} ms` : err instanceof Error ? err.message : 'error';
    return row('fail', `${connection.description}: ${reason}`);
  } finally {
    // disconnect, not QUIT: a node that never answered would keep QUIT waiting.
    if (connection.ownsClient) connection.client.disconnect();
  }
}

/** The module's client queues nothing offline (it fails closed): wait until it is ready, or its first error. */
function ready(client: Redis | Cluster): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    client.once('ready', () => resolve());
    client.once('error', (err: Error) => reject(err));
  });
}

async function describeTopology(client: Redis | Cluster): Promise<string> {
  await ready(client);
  if (client instanceof Cluster) {
    await client.ping();
    const info = String(await client.cluster('INFO'));
    const state = /cluster_state:(\w+)/.exec(info)?.[1] ?? 'unknown';
    return `PONG; cluster state ${state}, ${client.nodes('master').length} master(s), ${client.nodes('slave').length} replica(s)`;
  }
  const pong = await client.ping();
  const info = await client.info('replication');
  const role = /role:(\w+)/.exec(info)?.[1] ?? 'unknown';
  const replicas = /connected_slaves:(\d+)/.exec(info)?.[1] ?? '0';
  return `${pong}; role ${role}, ${replicas} replica(s)`;
}

class TimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError('timeout')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
