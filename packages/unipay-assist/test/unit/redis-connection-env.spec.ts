import Redis from 'ioredis';
import {
  createRedisClient,
  describeRedisConnection,
  failClosedConcerns,
  RedisConfigError,
  redisConnectionFromEnv,
  RedisEnv,
  validateRedisConnectionConfig,
} from '../../src/redis/redis-connection';

const SECRET = 's3cr3t-pw';

/** The error thrown by fn, which must be a RedisConfigError naming `setting` and holding no secret. */
function configError(fn: () => unknown, setting: string): RedisConfigError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(RedisConfigError);
  const err = caught as RedisConfigError;
  expect(err.setting).toBe(setting);
  expect(err.message.startsWith(`${setting}: `)).toBe(true);
  expect(err.message).not.toContain(SECRET);
  return err;
}

const noFiles = (path: string): Buffer => {
  throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
};

describe('redisConnectionFromEnv', () => {
  it('returns null when no Redis is configured', () => {
    expect(redisConnectionFromEnv({})).toBeNull();
    expect(redisConnectionFromEnv({ REDIS_URL: '  ', PATH: '/usr/bin' })).toBeNull();
  });

  it('reads a single node, with the password in the url or apart', () => {
    expect(redisConnectionFromEnv({ REDIS_URL: `redis://:${SECRET}@10.0.0.5:6380/2` })).toEqual({
      kind: 'single',
      url: `redis://:${SECRET}@10.0.0.5:6380/2`,
      username: undefined,
      password: undefined,
      tls: undefined,
    });
    expect(
      redisConnectionFromEnv({ REDIS_URL: 'redis://cache.internal', REDIS_PASSWORD: ` ${SECRET} ` }),
    ).toMatchObject({
      kind: 'single',
      // Taken byte for byte: leading and trailing spaces may be part of a password.
      password: ` ${SECRET} `,
    });
  });

  it('reads rediss:// with a CA file, certificate pair and verification settings', () => {
    const files: Record<string, string> = { '/etc/ca.pem': 'CA', '/etc/c.pem': 'CERT', '/etc/k.pem': 'KEY' };
    const config = redisConnectionFromEnv(
      {
        REDIS_URL: 'rediss://cache.internal:6380',
        REDIS_TLS_CA_FILE: '/etc/ca.pem',
        REDIS_TLS_CERT_FILE: '/etc/c.pem',
        REDIS_TLS_KEY_FILE: '/etc/k.pem',
        REDIS_TLS_REJECT_UNAUTHORIZED: 'false',
        REDIS_TLS_SERVERNAME: 'cache.example',
      },
      (p) => Buffer.from(files[p]),
    );
    expect(config).toMatchObject({
      kind: 'single',
      tls: {
        ca: Buffer.from('CA'),
        cert: Buffer.from('CERT'),
        key: Buffer.from('KEY'),
        rejectUnauthorized: false,
        servername: 'cache.example',
      },
    });
  });

  it('reads Cluster seed nodes, IPv6 included', () => {
    expect(
      redisConnectionFromEnv({
        REDIS_CLUSTER_NODES: ' 10.0.0.1:7000, [::1]:7001,redis-2.internal:7002',
        REDIS_PASSWORD: SECRET,
      }),
    ).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '::1', port: 7001 },
        { host: 'redis-2.internal', port: 7002 },
      ],
      username: undefined,
      password: SECRET,
      tls: undefined,
    });
    expect(redisConnectionFromEnv({ REDIS_CLUSTER_NODES: 'a:1', REDIS_TLS: 'true' }, noFiles)).toMatchObject({
      kind: 'cluster',
      tls: {},
    });
  });

  it('reads Sentinels with a name, both passwords and TLS to each side', () => {
    expect(
      redisConnectionFromEnv({
        REDIS_SENTINELS: 's1:26379,s2:26379,s3:26379',
        REDIS_SENTINEL_NAME: 'assist',
        REDIS_PASSWORD: SECRET,
        REDIS_SENTINEL_PASSWORD: 'other',
        REDIS_SENTINEL_TLS: 'true',
      }),
    ).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
        { host: 's3', port: 26379 },
      ],
      name: 'assist',
      username: undefined,
      password: SECRET,
      sentinelUsername: undefined,
      sentinelPassword: 'other',
      tls: undefined,
      sentinelTls: {},
    });
  });

  describe('refuses what cannot work, naming the setting and never a password', () => {
    const cases: [string, RedisEnv, string][] = [
      [
        'two topologies',
        { REDIS_URL: `redis://:${SECRET}@h`, REDIS_CLUSTER_NODES: 'h:1' },
        'REDIS_URL + REDIS_CLUSTER_NODES',
      ],
      [
        'all three topologies',
        { REDIS_URL: 'redis://h', REDIS_CLUSTER_NODES: 'h:1', REDIS_SENTINELS: 'h:2' },
        'REDIS_URL + REDIS_CLUSTER_NODES + REDIS_SENTINELS',
      ],
      ['Sentinels without a name', { REDIS_SENTINELS: 'h:26379' }, 'REDIS_SENTINEL_NAME'],
      ['a name without Sentinels', { REDIS_URL: 'redis://h', REDIS_SENTINEL_NAME: 'm' }, 'REDIS_SENTINEL_NAME'],
      [
        'a Sentinel password without Sentinels',
        { REDIS_CLUSTER_NODES: 'h:1', REDIS_SENTINEL_PASSWORD: SECRET },
        'REDIS_SENTINEL_PASSWORD',
      ],
      ['a password and no Redis', { REDIS_PASSWORD: SECRET }, 'REDIS_PASSWORD'],
      ['a port that is not a number', { REDIS_CLUSTER_NODES: 'h:1,h:x' }, 'REDIS_CLUSTER_NODES entry 2'],
      ['a port out of range', { REDIS_CLUSTER_NODES: 'h:65536' }, 'REDIS_CLUSTER_NODES entry 1'],
      ['a missing port', { REDIS_SENTINELS: 'h', REDIS_SENTINEL_NAME: 'm' }, 'REDIS_SENTINELS'],
      ['an empty entry', { REDIS_CLUSTER_NODES: 'h:1,,h:2' }, 'REDIS_CLUSTER_NODES'],
      ['a url pasted into a node list', { REDIS_CLUSTER_NODES: `redis://:${SECRET}@h:7000` }, 'REDIS_CLUSTER_NODES'],
      ['a repeated node', { REDIS_CLUSTER_NODES: 'H:1,h:1' }, 'REDIS_CLUSTER_NODES'],
      ['a bad host', { REDIS_CLUSTER_NODES: 'h_/x:1' }, 'REDIS_CLUSTER_NODES entry 1'],
      ['an unsupported scheme', { REDIS_URL: `http://:${SECRET}@h` }, 'REDIS_URL'],
      ['not a url', { REDIS_URL: `:${SECRET}@` }, 'REDIS_URL'],
      ['url query parameters', { REDIS_URL: `redis://:${SECRET}@h?enableOfflineQueue=true` }, 'REDIS_URL'],
      ['a path that is no database', { REDIS_URL: 'redis://h/cache' }, 'REDIS_URL'],
      ['a password twice', { REDIS_URL: `redis://:${SECRET}@h`, REDIS_PASSWORD: SECRET }, 'REDIS_PASSWORD'],
      ['REDIS_TLS against the scheme', { REDIS_URL: 'redis://h', REDIS_TLS: 'true' }, 'REDIS_TLS'],
      ['a CA file without TLS', { REDIS_URL: 'redis://h', REDIS_TLS_CA_FILE: '/ca.pem' }, 'REDIS_TLS_CA_FILE'],
      [
        'TLS verification off without TLS',
        { REDIS_CLUSTER_NODES: 'h:1', REDIS_TLS_REJECT_UNAUTHORIZED: 'false' },
        'REDIS_TLS_REJECT_UNAUTHORIZED',
      ],
      [
        'a certificate without its key',
        { REDIS_URL: 'rediss://h', REDIS_TLS_CERT_FILE: '/c.pem' },
        'REDIS_TLS_KEY_FILE',
      ],
      ['an unreadable CA file', { REDIS_URL: 'rediss://h', REDIS_TLS_CA_FILE: '/nope.pem' }, 'REDIS_TLS_CA_FILE'],
      ['a flag that is not a boolean', { REDIS_CLUSTER_NODES: 'h:1', REDIS_TLS: 'on please' }, 'REDIS_TLS'],
    ];
    it.each(cases)('%s', (_label, env, setting) => {
      configError(() => redisConnectionFromEnv(env, (p) => (p === '/c.pem' ? Buffer.from('C') : noFiles(p))), setting);
    });

    it('says which file could not be read and why', () => {
      const err = configError(
        () => redisConnectionFromEnv({ REDIS_URL: 'rediss://h', REDIS_TLS_CA_FILE: '/nope.pem' }, noFiles),
        'REDIS_TLS_CA_FILE',
      );
      expect(err.message).toBe('REDIS_TLS_CA_FILE: cannot read /nope.pem (ENOENT)');
    });
  });
});

describe('validateRedisConnectionConfig (module options)', () => {
  it('names the options field that cannot work', () => {
    configError(() => validateRedisConnectionConfig({ kind: 'cluster', nodes: [] }), 'redis.nodes');
    configError(
      () => validateRedisConnectionConfig({ kind: 'cluster', nodes: [{ host: 'h', port: 0 }] }),
      'redis.nodes[0].port',
    );
    configError(
      () => validateRedisConnectionConfig({ kind: 'sentinel', sentinels: [{ host: 'h', port: 1 }], name: ' ' }),
      'redis.name',
    );
    configError(() => validateRedisConnectionConfig({ kind: 'single', url: 'redis://h', tls: {} }), 'redis.tls');
    configError(
      () =>
        validateRedisConnectionConfig(
          { kind: 'single', url: `redis://u:${SECRET}@h`, password: SECRET },
          'assist.redis',
        ),
      'assist.redis.password',
    );
  });

  it('refuses a host client that was already closed', async () => {
    const client = new Redis({ lazyConnect: true });
    client.disconnect();
    await new Promise((r) => setImmediate(r));
    expect(client.status).toBe('end');
    configError(() => createRedisClient({ kind: 'client', client }), 'redis.client');
  });
});

describe('host clients and descriptions', () => {
  it('adopts a host client without owning it, and lists the options that defeat failing closed', () => {
    const client = new Redis({ lazyConnect: true });
    const connection = createRedisClient({ kind: 'client', client });
    expect(connection.ownsClient).toBe(false);
    expect(connection.client).toBe(client);
    expect(failClosedConcerns(client)).toEqual([
      expect.stringContaining('enableOfflineQueue is on'),
      expect.stringContaining('maxRetriesPerRequest is 20'),
    ]);
    client.disconnect();
  });

  it('describes a connection without its password', () => {
    const text = describeRedisConnection({ kind: 'single', url: `rediss://user:${SECRET}@cache:6380/1` });
    expect(text).toBe('single cache:6380 (TLS)');
    expect(
      describeRedisConnection({
        kind: 'sentinel',
        name: 'm',
        sentinels: [{ host: '::1', port: 26379 }],
        password: SECRET,
      }),
    ).toBe('sentinel "m" via [::1]:26379');
  });

  it('names its error class, so a start-up log says what failed', () => {
    expect(configError(() => redisConnectionFromEnv({ REDIS_SENTINELS: 'h:1' }), 'REDIS_SENTINEL_NAME').name).toBe(
      'RedisConfigError',
    );
  });
});
