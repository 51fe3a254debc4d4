import { MemoryChannelAuthStore } from '../../src/channel-auth/memory-channel-auth.store';
import { channelAuthStoreContract } from '../../../../test/support/channel-auth-store-contract';

describe('MemoryChannelAuthStore', () => {
  channelAuthStoreContract(() => new MemoryChannelAuthStore());

  it('expires by its clock and stays bounded (the oldest entry goes first)', async () => {
    let now = 1_000_000;
    const store = new MemoryChannelAuthStore({ maxEntries: 3, now: () => now });
    await store.set('a', '1', 1000);
    await store.set('b', '2', 1000);
    await store.set('c', '3', 1000);
    await store.set('d', '4', 1000);
    expect(store.size).toBe(3);
    expect(await store.get('a')).toBeUndefined();
    expect(await store.get('d')).toBe('4');
    now += 999;
    expect(await store.get('b')).toBe('2');
    now += 1;
    expect(await store.get('b')).toBeUndefined();
    // Writes sweep what expired.
    await store.set('e', '5', 1000);
    expect(store.size).toBe(1);
  });
});
