import { readFileSync } from 'node:fs';
import {
  checkHost,
  checkPort,
  parseRedisUrl,
  RedisConfigError,
  RedisConnectionConfig,
  RedisNodeAddress,
  RedisTlsConfig,
  validateRedisConnectionConfig,
} from './redis-connection-config';

/** Every environment variable the reader looks at; anything else REDIS_* is not ours. */
export const REDIS_ENV_SETTINGS = [
  'REDIS_URL',
  'REDIS_CLUSTER_NODES',
  'REDIS_SENTINELS',
  'REDIS_SENTINEL_NAME',
  'REDIS_USERNAME',
  'REDIS_PASSWORD',
  'REDIS_SENTINEL_USERNAME',
  'REDIS_SENTINEL_PASSWORD',
  'REDIS_TLS',
  'REDIS_SENTINEL_TLS',
  'REDIS_TLS_CA_FILE',
  'REDIS_TLS_CERT_FILE',
  'REDIS_TLS_KEY_FILE',
  'REDIS_TLS_REJECT_UNAUTHORIZED',
  'REDIS_TLS_SERVERNAME',
] as const;

export type RedisEnvSetting = (typeof REDIS_ENV_SETTINGS)[number];
export type RedisEnv = Readonly<Partial<Record<string, string | undefined>>>;

/** Reads a TLS file; injectable so tests need no files. */
export type ReadTlsFile = (path: string) => Buffer;

const TOPOLOGY_SETTINGS = ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'] as const;
const SENTINEL_ONLY = [
  'REDIS_SENTINEL_NAME',
  'REDIS_SENTINEL_USERNAME',
  'REDIS_SENTINEL_PASSWORD',
  'REDIS_SENTINEL_TLS',
] as const;
const TLS_DETAIL = [
  'REDIS_TLS_CA_FILE',
  'REDIS_TLS_CERT_FILE',
  'REDIS_TLS_KEY_FILE',
  'REDIS_TLS_REJECT_UNAUTHORIZED',
  'REDIS_TLS_SERVERNAME',
] as const;

/**
 * Reads the module's Redis deployment from the environment:
 * - `REDIS_URL` — one node, `redis://` or `rediss://` (TLS);
 * - `REDIS_CLUSTER_NODES=host:port,host:port,…` — Redis Cluster seed nodes;
 * - `REDIS_SENTINELS=host:port,…` with `REDIS_SENTINEL_NAME` — Sentinel;
 * - `REDIS_USERNAME` / `REDIS_PASSWORD` (the data nodes), `REDIS_SENTINEL_USERNAME`
 *   / `REDIS_SENTINEL_PASSWORD` (the Sentinels);
 * - `REDIS_TLS=true` (Cluster, Sentinel master), `REDIS_SENTINEL_TLS=true` (the
 *   Sentinels), `REDIS_TLS_CA_FILE`, `REDIS_TLS_CERT_FILE`, `REDIS_TLS_KEY_FILE`,
 *   `REDIS_TLS_REJECT_UNAUTHORIZED=false`, `REDIS_TLS_SERVERNAME`.
 *
 * Returns null when none of the three topologies is set (the module then
 * runs on memory, one instance). Throws a RedisConfigError naming the
 * setting for anything that cannot work or would be silently ignored: two
 * topologies at once, Sentinels without a name, a bad host:port, a TLS file
 * without TLS, … Messages never quote a url, a password or a list entry
 * (someone may have pasted a url with a password into it).
 */
export function redisConnectionFromEnv(
  env: RedisEnv,
  readFile: ReadTlsFile = readFileSync,
): RedisConnectionConfig | null {
  const get = (name: RedisEnvSetting): string | undefined => {
    const v = env[name];
    if (v === undefined || v.trim() === '') return undefined;
    // A password is taken byte for byte: spaces may be part of it.
    return name.endsWith('_PASSWORD') ? v : v.trim();
  };

  const topologies = TOPOLOGY_SETTINGS.filter((n) => get(n) !== undefined);
  if (topologies.length > 1) {
    throw new RedisConfigError(
      topologies.join(' + '),
      'set only one of REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS',
    );
  }
  const topology = topologies[0];
  if (topology === undefined) {
    const stray = REDIS_ENV_SETTINGS.find((n) => get(n) !== undefined);
    if (stray)
      throw new RedisConfigError(
        stray,
        'is set but no Redis is: set REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS',
      );
    return null;
  }

  if (topology !== 'REDIS_SENTINELS') {
    const stray = SENTINEL_ONLY.find((n) => get(n) !== undefined);
    if (stray) throw new RedisConfigError(stray, `only applies with REDIS_SENTINELS (${topology} is set)`);
  }

  const username = get('REDIS_USERNAME');
  const password = get('REDIS_PASSWORD');
  const tlsFlag = readBoolean(get('REDIS_TLS'), 'REDIS_TLS');

  let config: RedisConnectionConfig;
  if (topology === 'REDIS_URL') {
    const url = get('REDIS_URL') as string;
    const parsed = parseRedisUrl(url, 'REDIS_URL');
    if (tlsFlag !== undefined && tlsFlag !== parsed.tls) {
      throw new RedisConfigError(
        'REDIS_TLS',
        `contradicts the REDIS_URL scheme: use ${tlsFlag ? 'rediss://' : 'redis://'} for a single node`,
      );
    }
    if (password !== undefined && parsed.password !== undefined) {
      throw new RedisConfigError('REDIS_PASSWORD', 'REDIS_URL already holds a password: give it in one place only');
    }
    if (username !== undefined && parsed.username !== undefined) {
      throw new RedisConfigError('REDIS_USERNAME', 'REDIS_URL already holds a user name: give it in one place only');
    }
    if (!parsed.tls) refuseTlsDetail(get, 'REDIS_URL is redis:// (use rediss:// for TLS)');
    config = { kind: 'single', url, username, password, tls: parsed.tls ? readTls(get, readFile) : undefined };
  } else if (topology === 'REDIS_CLUSTER_NODES') {
    const nodes = parseNodeList(get('REDIS_CLUSTER_NODES') as string, 'REDIS_CLUSTER_NODES');
    if (!tlsFlag) refuseTlsDetail(get, 'REDIS_TLS is not true');
    config = { kind: 'cluster', nodes, username, password, tls: tlsFlag ? readTls(get, readFile) : undefined };
  } else {
    const sentinels = parseNodeList(get('REDIS_SENTINELS') as string, 'REDIS_SENTINELS');
    const name = get('REDIS_SENTINEL_NAME');
    if (name === undefined) {
      throw new RedisConfigError(
        'REDIS_SENTINEL_NAME',
        'is required with REDIS_SENTINELS (the master group name the Sentinels monitor)',
      );
    }
    const sentinelTlsFlag = readBoolean(get('REDIS_SENTINEL_TLS'), 'REDIS_SENTINEL_TLS');
    if (!tlsFlag && !sentinelTlsFlag) refuseTlsDetail(get, 'neither REDIS_TLS nor REDIS_SENTINEL_TLS is true');
    const tls = tlsFlag || sentinelTlsFlag ? readTls(get, readFile) : undefined;
    config = {
      kind: 'sentinel',
      sentinels,
      name,
      username,
      password,
      sentinelUsername: get('REDIS_SENTINEL_USERNAME'),
      sentinelPassword: get('REDIS_SENTINEL_PASSWORD'),
      tls: tlsFlag ? tls : undefined,
      sentinelTls: sentinelTlsFlag ? tls : undefined,
    };
  }
  validateRedisConnectionConfig(config, topology);
  return config;
}

/** `host:port,host:port`; IPv6 as `[::1]:7000`. Entries are named by position, never quoted. */
export function parseNodeList(value: string, setting: string): RedisNodeAddress[] {
  const entries = value.split(',').map((e) => e.trim());
  const seen = new Set<string>();
  return entries.map((entry, i) => {
    const where = `${setting} entry ${i + 1}`;
    if (entry === '') throw new RedisConfigError(setting, `entry ${i + 1} is empty`);
    const m = /^\[([0-9A-Fa-f:.]+)\]:([^:]+)$/.exec(entry) ?? /^([^:[\]]+):([^:]+)$/.exec(entry);
    if (!m) throw new RedisConfigError(setting, `entry ${i + 1} is not host:port (IPv6 as [addr]:port)`);
    const host = m[1];
    const port = /^\d+$/.test(m[2]) ? Number(m[2]) : NaN;
    checkHost(host, where);
    checkPort(port, where);
    const id = `${host.toLowerCase()}:${port}`;
    if (seen.has(id)) throw new RedisConfigError(setting, `entry ${i + 1} repeats an earlier entry`);
    seen.add(id);
    return { host, port };
  });
}

function readBoolean(value: string | undefined, setting: string): boolean | undefined {
  if (value === undefined) return undefined;
  const v = value.toLowerCase();
  if (v === 'true' || v === '1' || v === 'yes') return true;
  if (v === 'false' || v === '0' || v === 'no') return false;
  throw new RedisConfigError(setting, 'must be true or false');
}

/** A TLS detail without TLS would be silently ignored: refuse it instead. */
function refuseTlsDetail(get: (n: RedisEnvSetting) => string | undefined, why: string): void {
  const stray = TLS_DETAIL.find((n) => get(n) !== undefined);
  if (stray) throw new RedisConfigError(stray, `has no effect: TLS is off (${why})`);
}

function readTls(get: (n: RedisEnvSetting) => string | undefined, readFile: ReadTlsFile): RedisTlsConfig {
  const file = (setting: RedisEnvSetting): Buffer | undefined => {
    const path = get(setting);
    if (path === undefined) return undefined;
    try {
      return readFile(path);
    } catch (err) {
      // The path is configuration, not a secret; the contents are never shown.
      const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new RedisConfigError(setting, `cannot read ${path} (${code})`);
    }
  };
  const cert = file('REDIS_TLS_CERT_FILE');
  const key = file('REDIS_TLS_KEY_FILE');
  if ((cert === undefined) !== (key === undefined)) {
    throw new RedisConfigError(
      cert === undefined ? 'REDIS_TLS_CERT_FILE' : 'REDIS_TLS_KEY_FILE',
      'a client certificate needs both REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE',
    );
  }
  const tls: RedisTlsConfig = {};
  const ca = file('REDIS_TLS_CA_FILE');
  if (ca !== undefined) tls.ca = ca;
  if (cert !== undefined) tls.cert = cert;
  if (key !== undefined) tls.key = key;
  const reject = readBoolean(get('REDIS_TLS_REJECT_UNAUTHORIZED'), 'REDIS_TLS_REJECT_UNAUTHORIZED');
  if (reject !== undefined) tls.rejectUnauthorized = reject;
  const servername = get('REDIS_TLS_SERVERNAME');
  if (servername !== undefined) tls.servername = servername;
  return tls;
}
