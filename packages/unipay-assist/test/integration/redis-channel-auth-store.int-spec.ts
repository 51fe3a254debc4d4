import Redis from 'ioredis';
import { RedisChannelAuthStore } from '../../src/channel-auth/redis-channel-auth.store';
import { channelAuthStoreContract } from '../../../../test/support/channel-auth-store-contract';
import { PrivateRedis, SHARED_REDIS_URL, uniquePrefix } from '../../../../test/support/redis-server';

describe('RedisChannelAuthStore', () => {
  const redis = new Redis(SHARED_REDIS_URL, { maxRetriesPerRequest: 1 });
  afterAll(() => redis.quit());

  let prefix = '';
  channelAuthStoreContract(() => {
    prefix = uniquePrefix('channel-auth');
    return new RedisChannelAuthStore(redis, { keyPrefix: prefix });
  });

  it('writes under <prefix>channel-auth:{key} (one hash tag per key) with a PX ttl of at most 5 minutes, and nothing else', async () => {
    const keyPrefix = uniquePrefix('channel-auth-keys');
    const store = new RedisChannelAuthStore(redis, { keyPrefix });
    await store.set('flow:k', 'v', 300_000);
    await store.setIfAbsent('bound:k', 'c', 300_000);
    const keys = (await redis.keys(`${keyPrefix}*`)).sort();
    expect(keys).toEqual([`${keyPrefix}channel-auth:{bound:k}`, `${keyPrefix}channel-auth:{flow:k}`]);
    for (const key of keys) {
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(300_000);
    }
    await redis.del(...keys);
  });

  it("as the WeChat platform's store (kind wechat-component): its own key kind", async () => {
    const keyPrefix = uniquePrefix('component-keys');
    const store = new RedisChannelAuthStore(redis, { keyPrefix, kind: 'wechat-component' });
    await store.set('ticket:wxplatform', 'sealed', 1000);
    expect(await redis.keys(`${keyPrefix}*`)).toEqual([`${keyPrefix}wechat-component:{ticket:wxplatform}`]);
    expect(await store.get('ticket:wxplatform')).toBe('sealed');
    await redis.del(`${keyPrefix}wechat-component:{ticket:wxplatform}`);
  });

  it('answers 29310 when Redis is down (never a silent miss)', async () => {
    const down = await PrivateRedis.start();
    const client = new Redis(`redis://127.0.0.1:${down.port}`, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    await new Promise((r) => client.once('ready', r));
    const store = new RedisChannelAuthStore(client, { keyPrefix: uniquePrefix('down') });
    await down.stop();
    for (const op of [
      () => store.get('k'),
      () => store.set('k', 'v', 1000),
      () => store.setIfAbsent('k', 'v', 1000),
      () => store.deleteIf('k', 'v'),
    ]) {
      await expect(op()).rejects.toMatchObject({ code: 29310 });
    }
    client.disconnect();
  });
});
