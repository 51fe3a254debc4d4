import { Redis } from 'ioredis';
import { assistConfig } from '../../src';
import { AssistConfigError } from '../../src/kernel/assist-config.error';
import { ASSIST_REDIS_CONNECTION, ASSIST_REDIS_OWNED, AssistRedis } from '../../src/redis/assist-redis';
import { createRedisClient } from '../../src/redis/redis-connection';
import { openAssistRedis } from '../../src/redis/assist-redis-connection';
import type { RedisConnection } from '../../src/redis/redis-connection';
import { LogCapture } from '../../../../test/support/log-capture';
import { startMinimalHost } from '../../../../test/support/minimal-host';
import { startGateway } from '../../../../test/support/gateway';
import { Registry } from 'prom-client';
import { PrometheusAssistMetrics } from '../../src/metrics/prometheus-assist.metrics';
import { RedisThrottlerStorage } from '../../src/rate-limit/redis-throttler.storage';
import { RedisReplayStore } from '../../src/replay/redis-replay.store';
import { RedisExchangeCache } from '../../src/exchange/redis-exchange.cache';
import { AssistErrorCode } from '../../../wire/src/error-codes';
import { SHARED_REDIS_URL, uniquePrefix } from '../../../../test/support/redis-server';
import { waitFor } from '../../../../test/support/wait';

/**
 * How the module's `redis` / `redisUrl` options and the REDIS_* environment
 * become its one connection: start-time errors naming the setting, who owns
 * (and so closes) the client, and the start log lines. Real Redis (TEST_REDIS_URL).
 */

jest.setTimeout(30_000);

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('did not throw');
}

function settingOf(fn: () => unknown): string {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(AssistConfigError);
  return (err as AssistConfigError).setting;
}

describe('openAssistRedis: start-time checks name the setting', () => {
  it('refuses redis and redisUrl together', () => {
    expect(
      settingOf(() =>
        openAssistRedis({ redisUrl: SHARED_REDIS_URL, redis: { kind: 'single', url: SHARED_REDIS_URL } }),
      ),
    ).toBe('redis');
  });

  it('names redisUrl for a url it cannot use, without echoing it', () => {
    const err = thrown(() => openAssistRedis({ redisUrl: 'redis://:s3cret@127.0.0.1:6379/?enableOfflineQueue=true' }));
    expect((err as AssistConfigError).setting).toBe('redisUrl');
    expect((err as Error).message).not.toContain('s3cret');
  });

  it('names the field of a deployment config', () => {
    expect(
      settingOf(() =>
        openAssistRedis({ redis: { kind: 'sentinel', sentinels: [{ host: '127.0.0.1', port: 26379 }], name: ' ' } }),
      ),
    ).toBe('redis.name');
    expect(
      settingOf(() => openAssistRedis({ redis: { kind: 'cluster', nodes: [{ host: '127.0.0.1', port: 0 }] } })),
    ).toBe('redis.nodes[0].port');
  });

  it('refuses a host client that is already closed', async () => {
    const client = new Redis(SHARED_REDIS_URL, { lazyConnect: true });
    client.disconnect();
    await new Promise((r) => setImmediate(r));
    expect(settingOf(() => openAssistRedis({ redis: client }))).toBe('redis.client');
  });

  it('returns null without Redis', () => {
    expect(openAssistRedis({})).toBeNull();
  });

  it('adopts a host client without owning it, opens a config and owns it', async () => {
    const host = new Redis(SHARED_REDIS_URL);
    const adopted = openAssistRedis({ redis: host }) as RedisConnection;
    expect(adopted).toMatchObject({ kind: 'client', ownsClient: false });
    expect(adopted.client).toBe(host);
    const opened = openAssistRedis({ redis: { kind: 'single', url: SHARED_REDIS_URL } }) as RedisConnection;
    expect(opened).toMatchObject({ kind: 'single', ownsClient: true });
    expect(opened.description).toMatch(/^single 127\.0\.0\.1:\d+$/);
    opened.client.disconnect();
    host.disconnect();
  });
});

describe('assistConfig reads REDIS_* through redisConnectionFromEnv', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (k.startsWith('REDIS_')) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it('builds a Sentinel deployment from the environment', () => {
    process.env.REDIS_SENTINELS = '127.0.0.1:26379,127.0.0.1:26380';
    process.env.REDIS_SENTINEL_NAME = 'assist';
    process.env.REDIS_PASSWORD = 'pw';
    expect(assistConfig().redis).toEqual(
      expect.objectContaining({
        kind: 'sentinel',
        name: 'assist',
        password: 'pw',
        sentinels: [
          { host: '127.0.0.1', port: 26379 },
          { host: '127.0.0.1', port: 26380 },
        ],
      }),
    );
  });

  it('fails at start naming the variable', () => {
    process.env.REDIS_SENTINELS = '127.0.0.1:26379';
    expect(settingOf(() => assistConfig())).toBe('REDIS_SENTINEL_NAME');
    delete process.env.REDIS_SENTINELS;
    process.env.REDIS_CLUSTER_NODES = '127.0.0.1:7000,127.0.0.1:x';
    expect(settingOf(() => assistConfig())).toBe('REDIS_CLUSTER_NODES entry 2');
  });

  it('leaves Redis off without any REDIS_* topology', () => {
    expect(assistConfig().redis).toBeUndefined();
  });
});

describe('the module and its connection', () => {
  it('never closes a host client, and says at start what would keep it from failing closed', async () => {
    const host = new Redis(SHARED_REDIS_URL);
    const logs = new LogCapture();
    const gw = await startMinimalHost({
      adapter: 'express',
      logger: logs,
      override: { redis: host, redisKeyPrefix: uniquePrefix('wiring') },
    });
    expect(gw.app.get(ASSIST_REDIS_OWNED)).toBe(false);
    expect(gw.app.get(AssistRedis)).toBe(host);
    await gw.close();
    expect(host.status).toBe('ready');
    expect(await host.ping()).toBe('PONG');
    const text = logs.assistLines().map((l) => `${l.level} ${l.message}`);
    expect(text.filter((l) => l.includes('redis.connection'))).toHaveLength(1);
    expect(text.find((l) => l.includes('redis.connection'))).toContain('kind=client');
    const concerns = text.find((l) => l.includes('redis.host_client_concerns'));
    expect(concerns).toMatch(/^warn .*enableOfflineQueue is on/);
    host.disconnect();
  });

  it('opens a deployment given as config, logs it once without a password, and closes it at shutdown', async () => {
    const logs = new LogCapture();
    const gw = await startMinimalHost({
      adapter: 'fastify',
      logger: logs,
      override: { redis: { kind: 'single', url: SHARED_REDIS_URL }, redisKeyPrefix: uniquePrefix('wiring') },
    });
    const connection = gw.app.get<RedisConnection>(ASSIST_REDIS_CONNECTION);
    expect(connection.ownsClient).toBe(true);
    expect(gw.app.get(ASSIST_REDIS_OWNED)).toBe(true);
    expect(await connection.client.ping()).toBe('PONG');
    await gw.close();
    // quit() resolves on Redis' OK; the socket closes just after.
    expect(await waitFor(() => connection.client.status === 'end', 5000)).toBe(true);
    const line = logs.assistLines().find((l) => l.message.includes('redis.connection'));
    expect(line?.message).toMatch(/kind=single/);
    expect(logs.assistLines().some((l) => l.message.includes('redis.host_client_concerns'))).toBe(false);
  });

  it('keeps redisUrl working', async () => {
    const gw = await startMinimalHost({
      adapter: 'express',
      override: { redisUrl: SHARED_REDIS_URL, redisKeyPrefix: uniquePrefix('wiring') },
    });
    const client = gw.app.get<Redis>(AssistRedis);
    expect(await client.ping()).toBe('PONG');
    await gw.close();
    expect(await waitFor(() => client.status === 'end', 5000)).toBe(true);
  });
});

describe('health and metrics name the Redis roles and operations', () => {
  it('/health reports the deployment and each node the client holds, with addresses when the host asks (HEALTH_ADDRESSES=1 in the demo)', async () => {
    process.env.HEALTH_ADDRESSES = '1';
    const gw = await startGateway({
      adapter: 'express',
      override: { redis: { kind: 'single', url: SHARED_REDIS_URL }, redisKeyPrefix: uniquePrefix('wiring-health') },
    });
    delete process.env.HEALTH_ADDRESSES;
    try {
      const body = (await (await fetch(`${gw.baseUrl}/health`)).json()) as {
        info: { unipayAssist: Record<string, unknown> };
      };
      expect(body.info.unipayAssist).toMatchObject({
        redis: 'up',
        redisTopology: {
          kind: 'single',
          deployment: expect.stringMatching(/^single 127\.0\.0\.1:\d+$/),
          nodes: [{ role: 'master', status: 'ready', address: expect.stringMatching(/:\d+$/) }],
        },
      });
    } finally {
      await gw.close();
    }
  });

  it('counts failed Redis commands by store and operation', async () => {
    const registry = new Registry();
    const metrics = new PrometheusAssistMetrics({ registry });
    // A closed loopback port: every command fails at once (no offline queue).
    const down = createRedisClient({ kind: 'single', url: 'redis://127.0.0.1:1' }).client as Redis;
    down.on('error', () => undefined);
    const storage = new RedisThrottlerStorage(down, 'test:down:', (op) => metrics.redisError('rate-limit', op));
    const replay = new RedisReplayStore(down, {
      keyPrefix: 'test:down:',
      onRedisError: (op) => metrics.redisError('replay', op),
    });
    const cache = new RedisExchangeCache(down, {
      keyPrefix: 'test:down:',
      onRedisError: (op) => metrics.redisError('exchange', op),
    });
    await expect(storage.increment('k', 1000, 5, 1000, 'ip')).rejects.toMatchObject({
      code: AssistErrorCode.STORE_UNAVAILABLE,
    });
    await expect(storage.increment('k', 1000, 5, 1000, 'ip')).rejects.toBeDefined();
    await expect(replay.claim('k', 1000)).rejects.toBeDefined();
    await expect(cache.claim('k', 'o', 1000)).rejects.toBeDefined();
    const text = await registry.metrics();
    expect(text).toContain('unipay_assist_redis_errors_total{store="rate-limit",op="increment"} 2');
    expect(text).toContain('unipay_assist_redis_errors_total{store="replay",op="claim"} 1');
    expect(text).toContain('unipay_assist_redis_errors_total{store="exchange",op="claim"} 1');
    down.disconnect();
  });
});
