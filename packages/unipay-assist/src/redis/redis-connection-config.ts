import type { Cluster, Redis } from 'ioredis';

/** One Redis endpoint (a Cluster seed node or a Sentinel). */
export interface RedisNodeAddress {
  host: string;
  port: number;
}

/**
 * TLS material as Node's `tls.connect` takes it (contents, not file names:
 * reading files is the env reader's job). `rejectUnauthorized` defaults to
 * true in Node; false is for a loopback test setup only.
 */
export interface RedisTlsConfig {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  rejectUnauthorized?: boolean;
  servername?: string;
}

/**
 * Where the module's Redis is and how to reach it. `client` is the host's
 * own ioredis instance: the module uses it as is and never closes it.
 */
export type RedisConnectionConfig =
  | {
      kind: 'single';
      /** `redis://[user:pass@]host[:port][/db]` or `rediss://…` (TLS). No query parameters. */
      url: string;
      /** Only with a `rediss://` url. */
      tls?: RedisTlsConfig;
      /** Instead of a password inside the url (not both). */
      username?: string;
      password?: string;
    }
  | {
      kind: 'cluster';
      /** Seed nodes; the client discovers the rest from them. */
      nodes: RedisNodeAddress[];
      username?: string;
      password?: string;
      tls?: RedisTlsConfig;
    }
  | {
      kind: 'sentinel';
      sentinels: RedisNodeAddress[];
      /** The master group name the Sentinels monitor (`sentinel monitor <name> …`). */
      name: string;
      /** For the Redis master (and replicas). */
      username?: string;
      password?: string;
      /** For the Sentinels themselves, which may have their own `requirepass`. */
      sentinelUsername?: string;
      sentinelPassword?: string;
      /** TLS to the master. */
      tls?: RedisTlsConfig;
      /** TLS to the Sentinels. */
      sentinelTls?: RedisTlsConfig;
    }
  | { kind: 'client'; client: Redis | Cluster };

export type RedisConnectionKind = RedisConnectionConfig['kind'];

/**
 * A configuration that cannot work. `setting` names what to fix (an
 * environment variable or an options path); the message never holds a
 * password or a url, which may carry one.
 */
export class RedisConfigError extends Error {
  override readonly name = 'RedisConfigError';

  constructor(
    readonly setting: string,
    problem: string,
  ) {
    super(`${setting}: ${problem}`);
  }
}

const HOST_PATTERN = /^[A-Za-z0-9._-]+$|^[0-9A-Fa-f:.]+$/;

/** Throws unless `port` is a TCP port number. */
export function checkPort(port: unknown, setting: string): void {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RedisConfigError(setting, 'port must be an integer from 1 to 65535');
  }
}

/** Throws unless `host` is a host name or an IPv4/IPv6 address (no brackets, no scheme). */
export function checkHost(host: unknown, setting: string): void {
  if (typeof host !== 'string' || host === '' || !HOST_PATTERN.test(host)) {
    throw new RedisConfigError(setting, 'host must be a host name or an IP address');
  }
}

function checkNodes(nodes: readonly RedisNodeAddress[] | undefined, setting: string): void {
  if (!Array.isArray(nodes) || nodes.length === 0) {
    throw new RedisConfigError(setting, 'at least one host:port is required');
  }
  const seen = new Set<string>();
  // Array.isArray narrows a readonly array to any[]: name the element type again.
  const list: readonly RedisNodeAddress[] = nodes;
  list.forEach((node, i) => {
    checkHost(node?.host, `${setting}[${i}].host`);
    checkPort(node?.port, `${setting}[${i}].port`);
    const id = `${node.host.toLowerCase()}:${node.port}`;
    if (seen.has(id)) throw new RedisConfigError(`${setting}[${i}]`, `${id} is listed twice`);
    seen.add(id);
  });
}

/** What a `redis://` / `rediss://` url says, parsed without the ioredis url reader (see createRedisClient). */
export interface ParsedRedisUrl {
  host: string;
  port: number;
  db: number;
  tls: boolean;
  username?: string;
  password?: string;
}

/**
 * Parses a single-node url strictly. Query parameters are refused: ioredis
 * would turn each into a client option that overrides the fail-closed ones
 * (`?enableOfflineQueue=true` would queue commands during an outage).
 */
export function parseRedisUrl(url: string, setting: string): ParsedRedisUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedisConfigError(setting, 'is not a url (expected redis://host:port or rediss://host:port)');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new RedisConfigError(setting, 'scheme must be redis:// or rediss://');
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (host === '') throw new RedisConfigError(setting, 'has no host');
  checkHost(host, setting);
  if (parsed.search !== '') {
    throw new RedisConfigError(
      setting,
      'query parameters are not supported (use the dedicated settings; the database goes in the path: /2)',
    );
  }
  if (parsed.hash !== '') throw new RedisConfigError(setting, 'must not have a #fragment');
  let db = 0;
  if (parsed.pathname !== '' && parsed.pathname !== '/') {
    const m = /^\/(\d{1,5})$/.exec(parsed.pathname);
    if (!m) throw new RedisConfigError(setting, 'path must be empty or a database number (/0 … /15)');
    db = Number(m[1]);
  }
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  checkPort(port, setting);
  const username = parsed.username === '' ? undefined : decodeURIComponent(parsed.username);
  const password = parsed.password === '' ? undefined : decodeURIComponent(parsed.password);
  return { host, port, db, tls: parsed.protocol === 'rediss:', username, password };
}

/**
 * The start-time check for a configuration given in code (module options):
 * throws a RedisConfigError naming the field (under `path`) that cannot
 * work. The env reader runs it too, after its own checks.
 */
export function validateRedisConnectionConfig(config: RedisConnectionConfig, path = 'redis'): void {
  switch (config.kind) {
    case 'single': {
      if (typeof config.url !== 'string' || config.url === '') throw new RedisConfigError(`${path}.url`, 'is required');
      const url = parseRedisUrl(config.url, `${path}.url`);
      if (config.tls && !url.tls) throw new RedisConfigError(`${path}.tls`, 'TLS options need a rediss:// url');
      if (config.password !== undefined && url.password !== undefined) {
        throw new RedisConfigError(`${path}.password`, 'the url already holds a password: give it in one place only');
      }
      if (config.username !== undefined && url.username !== undefined) {
        throw new RedisConfigError(`${path}.username`, 'the url already holds a user name: give it in one place only');
      }
      return;
    }
    case 'cluster':
      checkNodes(config.nodes, `${path}.nodes`);
      return;
    case 'sentinel':
      checkNodes(config.sentinels, `${path}.sentinels`);
      if (typeof config.name !== 'string' || config.name.trim() === '') {
        throw new RedisConfigError(`${path}.name`, 'the Sentinel master group name is required');
      }
      return;
    case 'client': {
      const client: unknown = config.client;
      if (!client || typeof (client as { status?: unknown }).status !== 'string') {
        throw new RedisConfigError(`${path}.client`, 'must be an ioredis Redis or Cluster instance');
      }
      if ((client as { status: string }).status === 'end') {
        throw new RedisConfigError(`${path}.client`, 'has already been closed (status "end")');
      }
      return;
    }
    default: {
      const kind: unknown = (config as { kind?: unknown }).kind;
      throw new RedisConfigError(
        `${path}.kind`,
        `must be single, cluster, sentinel or client (got ${JSON.stringify(kind)})`,
      );
    }
  }
}

/**
 * A one-line description safe for logs and health output: kind and
 * endpoints, never a password or a url.
 */
export function describeRedisConnection(config: RedisConnectionConfig): string {
  const list = (nodes: RedisNodeAddress[]) =>
    nodes.map((n) => (n.host.includes(':') ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`)).join(',');
  switch (config.kind) {
    case 'single': {
      const url = parseRedisUrl(config.url, 'url');
      return `single ${list([url])}${url.tls ? ' (TLS)' : ''}`;
    }
    case 'cluster':
      return `cluster seeds ${list(config.nodes)}${config.tls ? ' (TLS)' : ''}`;
    case 'sentinel':
      return `sentinel "${config.name}" via ${list(config.sentinels)}${config.tls ? ' (TLS)' : ''}`;
    case 'client':
      return `host client (${config.client.isCluster ? 'cluster' : 'single or sentinel'})`;
  }
}
