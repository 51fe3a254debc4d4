import { ChannelAuthStore } from '../../packages/unipay-assist/src/channel-auth/channel-auth.store';

/** What every ChannelAuthStore must do; `make` gives a fresh, empty store per test. */
export function channelAuthStoreContract(make: () => ChannelAuthStore | Promise<ChannelAuthStore>): void {
  let store: ChannelAuthStore;
  beforeEach(async () => {
    store = await make();
  });

  it('stores, replaces and reads values; absent keys are undefined', async () => {
    expect(await store.get('flow:a')).toBeUndefined();
    await store.set('flow:a', 'one', 60_000);
    expect(await store.get('flow:a')).toBe('one');
    await store.set('flow:a', 'two', 60_000);
    expect(await store.get('flow:a')).toBe('two');
    expect(await store.get('flow:b')).toBeUndefined();
  });

  it('setIfAbsent keeps the first value and answers it to every later caller', async () => {
    expect(await store.setIfAbsent('bound:x', 'code-1', 60_000)).toBe('code-1');
    expect(await store.setIfAbsent('bound:x', 'code-2', 60_000)).toBe('code-1');
    expect(await store.get('bound:x')).toBe('code-1');
  });

  it('setIfAbsent is atomic: of many concurrent callers exactly one wins', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.setIfAbsent('bound:race', `c${i}`, 60_000)),
    );
    const winners = new Set(answers);
    expect(winners.size).toBe(1);
    expect(await store.get('bound:race')).toBe([...winners][0]);
  });

  it('deleteIf deletes only its own value', async () => {
    await store.set('bound:y', 'mine', 60_000);
    await store.deleteIf('bound:y', 'theirs');
    expect(await store.get('bound:y')).toBe('mine');
    await store.deleteIf('bound:y', 'mine');
    expect(await store.get('bound:y')).toBeUndefined();
    // Free again afterwards.
    expect(await store.setIfAbsent('bound:y', 'next', 60_000)).toBe('next');
  });

  it('increment counts from 1, atomically, and the counter expires with its first ttl', async () => {
    const counts = await Promise.all(Array.from({ length: 10 }, () => store.increment('hits:s', 60_000)));
    expect([...counts].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await store.increment('hits:t', 30)).toBe(1);
    await waitUntil(async () => (await store.get('hits:t')) === undefined);
    expect(await store.increment('hits:t', 60_000)).toBe(1);
  });

  it('expires values after their ttl', async () => {
    await store.set('flow:short', 'v', 30);
    expect(await store.setIfAbsent('bound:short', 'v', 30)).toBe('v');
    await waitUntil(
      async () => (await store.get('flow:short')) === undefined && (await store.get('bound:short')) === undefined,
    );
    expect(await store.setIfAbsent('bound:short', 'w', 60_000)).toBe('w');
  });
}

/** Polls (no fixed sleep) until `done`, for at most 20 s (a bound for a loaded machine, not an expected time). */
async function waitUntil(done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('condition not met within 20 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}
