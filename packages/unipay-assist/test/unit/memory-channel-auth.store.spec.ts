import { MemoryChannelAuthStore } from '../../src/channel-auth/memory-channel-auth.store';
import { channelAuthStoreContract } from '../../../../test/support/channel-auth-store-contract';

describe('MemoryChannelAuthStore', () => {
  channelAuthStoreContract(() => new MemoryChannelAuthStore());

  it('expires by its clock and stays bounded: at the cap a new key is refused (29310), no live entry is pushed out', async () => {
    let now = 1_000_000;
    const store = new MemoryChannelAuthStore({ maxEntries: 3, now: () => now });
    await store.set('a', '1', 1000);
    await store.set('b', '2', 1000);
    await store.set('c', '3', 1000);
    await expect(store.set('d', '4', 1000)).rejects.toMatchObject({ code: 29310 });
    await expect(store.setIfAbsent('d', '4', 1000)).rejects.toMatchObject({ code: 29310 });
    await expect(store.increment('d', 1000)).rejects.toMatchObject({ code: 29310 });
    expect(store.size).toBe(3);
    expect(await store.get('a')).toBe('1');
    expect(await store.get('d')).toBeUndefined();
    // Keys it holds can still be replaced and counted at the cap.
    await store.set('a', '1b', 1000);
    expect(await store.get('a')).toBe('1b');
    now += 999;
    expect(await store.get('b')).toBe('2');
    now += 1;
    expect(await store.get('b')).toBeUndefined();
    // Writes sweep what expired.
    await store.set('e', '5', 1000);
    expect(store.size).toBe(1);
  });
});
