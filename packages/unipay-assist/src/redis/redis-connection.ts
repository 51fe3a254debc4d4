import { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import {
  describeRedisConnection,
  parseRedisUrl,
  RedisConnectionConfig,
  RedisConnectionKind,
  RedisTlsConfig,
  validateRedisConnectionConfig,
} from './redis-connection-config';

export * from './redis-connection-config';
export { redisConnectionFromEnv, parseNodeList, REDIS_ENV_SETTINGS } from './redis-connection-env';
export type { RedisEnv, RedisEnvSetting, ReadTlsFile } from './redis-connection-env';

/**
 * How long the module lets Redis keep a request waiting. The relay fails
 * closed (29310) when Redis cannot answer, so every knob is set to give up
 * soon rather than queue: a queued claim that lands after the caller was
 * told "failed" is harmless, a request that hangs for the whole outage is not.
 */
export interface RedisClientTuning {
  /** TCP (+TLS) connect, per attempt. */
  connectTimeoutMs: number;
  /** A command without a reply after this is failed (a hung, not dead, node). */
  commandTimeoutMs: number;
  /** Resends of one command after a reconnect; each adds up to a reconnect delay. */
  maxRetriesPerRequest: number;
  /** Longest wait between reconnect attempts; attempts never stop. */
  reconnectMaxDelayMs: number;
  /**
   * Cluster: resends of a command whose node went away, `retryDelayOnFailoverMs`
   * apart, before it fails. Bounds a request at about their product while a
   * master is being replaced.
   */
  clusterMaxRedirections: number;
  retryDelayOnFailoverMs: number;
  /**
   * Cluster: how often the slot map is re-read. ioredis 5 has no periodic
   * refresh unless this is set (its typings claim a 5 s default the code does
   * not apply), and a pipeline that gets MOVED after a failover does not
   * correct the map by itself when it holds a non-read-only command.
   */
  clusterSlotsRefreshIntervalMs: number;
  /** Shown in CLIENT LIST, to tell the module's connections from the host's. */
  connectionName: string;
}

export const FAIL_CLOSED_TUNING: Readonly<RedisClientTuning> = Object.freeze({
  connectTimeoutMs: 2000,
  commandTimeoutMs: 2000,
  maxRetriesPerRequest: 1,
  reconnectMaxDelayMs: 2000,
  clusterMaxRedirections: 8,
  retryDelayOnFailoverMs: 200,
  clusterSlotsRefreshIntervalMs: 2000,
  connectionName: 'unipay-assist',
});

/** The module's handle on Redis. */
export interface RedisConnection {
  kind: RedisConnectionKind;
  client: Redis | Cluster;
  /**
   * True when createRedisClient opened the client, so the module closes it
   * at shutdown; false for a host's own client, which the module never closes.
   */
  ownsClient: boolean;
  /** Safe to log: kind and endpoints, no password. */
  description: string;
}

/**
 * Opens (or adopts, for `kind: 'client'`) the module's Redis connection.
 * Validates first and throws a RedisConfigError naming the field that
 * cannot work. The client connects at once; attach an 'error' listener
 * (and 'node error' for a Cluster) before the event loop turns, or ioredis
 * prints every failed reconnect.
 */
export function createRedisClient(
  config: RedisConnectionConfig,
  tuning: Partial<RedisClientTuning> = {},
): RedisConnection {
  validateRedisConnectionConfig(config);
  const t: RedisClientTuning = { ...FAIL_CLOSED_TUNING, ...tuning };
  const description = describeRedisConnection(config);
  switch (config.kind) {
    case 'client':
      return { kind: 'client', client: config.client, ownsClient: false, description };
    case 'single': {
      const url = parseRedisUrl(config.url, 'redis.url');
      // Built from the parsed url rather than handing ioredis the string: its
      // url reader would let query parameters override the options below.
      const client = new Redis({
        ...standaloneOptions(t),
        host: url.host,
        port: url.port,
        db: url.db,
        username: config.username ?? url.username,
        password: config.password ?? url.password,
        tls: url.tls ? tlsOptions(config.tls) : undefined,
      });
      return { kind: 'single', client, ownsClient: true, description };
    }
    case 'sentinel': {
      const client = new Redis({
        ...standaloneOptions(t),
        sentinels: config.sentinels.map(({ host, port }) => ({ host, port })),
        name: config.name,
        role: 'master',
        username: config.username,
        password: config.password,
        sentinelUsername: config.sentinelUsername,
        sentinelPassword: config.sentinelPassword,
        // ioredis applies `tls` to the master only with enableTLSForSentinelMode.
        tls: config.tls ? tlsOptions(config.tls) : undefined,
        enableTLSForSentinelMode: config.tls !== undefined,
        sentinelTLS: config.sentinelTls ? tlsOptions(config.sentinelTls) : undefined,
        // ioredis' failoverDetector (subscribe to +switch-master) stays off:
        // measured here with ioredis 5.11, when the switch message arrives while
        // the client is still resolving the master from the Sentinels, the
        // connect is aborted and the client ends for good (status "end", every
        // command "Connection is closed" until the process restarts; also
        // reported as redis/ioredis#1683). Without it the client learns of a
        // failover when its socket drops (a crashed master, or the demotion,
        // which makes Redis close every client) or from READONLY below.
        failoverDetector: false,
        // All Sentinels unreachable: ask again soon, but not in a tight loop.
        sentinelRetryStrategy: (times) => Math.min(times * 100, 1000),
        sentinelCommandTimeout: t.connectTimeoutMs,
      });
      return { kind: 'sentinel', client, ownsClient: true, description };
    }
    case 'cluster': {
      const options: ClusterOptions = {
        // Reads go to masters: a replica may not yet hold a claim or a result
        // another instance has just written, and reading it there would let a
        // code be spent twice.
        scaleReads: 'master',
        enableOfflineQueue: false,
        enableReadyCheck: true,
        maxRedirections: t.clusterMaxRedirections,
        retryDelayOnFailover: t.retryDelayOnFailoverMs,
        retryDelayOnClusterDown: t.retryDelayOnFailoverMs,
        retryDelayOnTryAgain: t.retryDelayOnFailoverMs,
        slotsRefreshTimeout: t.connectTimeoutMs,
        slotsRefreshInterval: t.clusterSlotsRefreshIntervalMs,
        clusterRetryStrategy: (times) => Math.min(100 + times * 200, t.reconnectMaxDelayMs),
        redisOptions: {
          connectTimeout: t.connectTimeoutMs,
          commandTimeout: t.commandTimeoutMs,
          maxRetriesPerRequest: t.maxRetriesPerRequest,
          connectionName: t.connectionName,
          username: config.username,
          password: config.password,
          tls: config.tls ? tlsOptions(config.tls) : undefined,
        },
        // With TLS the certificate names the host, so keep names as given
        // instead of letting the client swap them for resolved IPs.
        ...(config.tls
          ? { dnsLookup: (address: string, callback: (err: null, address: string) => void) => callback(null, address) }
          : {}),
      };
      const client = new Cluster(
        config.nodes.map(({ host, port }) => ({ host, port })),
        options,
      );
      return { kind: 'cluster', client, ownsClient: true, description };
    }
  }
}

/** Closes the connection if the module opened it; a host's own client is left alone. */
export async function closeRedisConnection(connection: RedisConnection): Promise<void> {
  if (!connection.ownsClient) return;
  const client = connection.client;
  if (client.status === 'end') return;
  try {
    await client.quit();
  } catch {
    // quit needs a live connection; during an outage just drop the socket.
    client.disconnect();
  }
}

/**
 * For a host's own client: the options that would make the relay wait
 * through an outage instead of failing closed. Empty when none; the module
 * may log these once at start (it cannot change a client it does not own).
 */
export function failClosedConcerns(client: Redis | Cluster): string[] {
  const concerns: string[] = [];
  if (client.options.enableOfflineQueue !== false) {
    concerns.push('enableOfflineQueue is on: commands queue while Redis is down instead of failing');
  }
  const retries = client.isCluster
    ? (client as Cluster).options.redisOptions?.maxRetriesPerRequest
    : (client as Redis).options.maxRetriesPerRequest;
  if (retries === null || retries === undefined || retries > 3) {
    concerns.push(
      `maxRetriesPerRequest is ${retries === null ? 'unlimited' : String(retries ?? 'the ioredis default (20)')}: one request may wait through many reconnects`,
    );
  }
  if (client.isCluster && (client as Cluster).options.scaleReads !== 'master') {
    concerns.push('scaleReads is not "master": a read may miss a claim just written to the master');
  }
  return concerns;
}

function standaloneOptions(t: RedisClientTuning): RedisOptions {
  return {
    enableOfflineQueue: false,
    enableReadyCheck: true,
    maxRetriesPerRequest: t.maxRetriesPerRequest,
    connectTimeout: t.connectTimeoutMs,
    commandTimeout: t.commandTimeoutMs,
    connectionName: t.connectionName,
    retryStrategy: (times) => Math.min(times * 200, t.reconnectMaxDelayMs),
    // A demoted master (after a failover it rejoins as a replica) answers
    // writes with READONLY: reconnect, which asks the Sentinels again. The
    // failed command is not resent; the request fails closed and is retried.
    reconnectOnError: (err) => err.message.startsWith('READONLY'),
    lazyConnect: false,
  };
}

function tlsOptions(tls: RedisTlsConfig | undefined): RedisTlsConfig {
  // Copied so that ioredis (which assigns into it for Sentinel) never changes the caller's object.
  return { ...(tls ?? {}) };
}
