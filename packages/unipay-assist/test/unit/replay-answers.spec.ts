import { AssistMetrics } from '../../src/kernel/assist.metrics';
import { ReplayOptions } from '../../src/replay/replay.options';
import { AssistException } from '../../src/kernel/assist.exception';
import { AssistLogger } from '../../src/kernel/assist.logger';
import { AssistErrorCode } from '../../../wire/src/error-codes';
import { MemoryReplayStore } from '../../src/replay/memory-replay.store';
import { replaySealKey } from '../../src/replay/replay-answer-seal';
import { ReplayAnswers, ReplayEntry, ReplayRequest, ReplayTicket } from '../../src/replay/replay-answers';
import { ReplayStore } from '../../src/replay/replay.store';
import { normalizeMerchant } from '../../src/merchants/normalize-merchant';

const NOW = 1_718_000_000;
const clock = { nowMs: () => NOW * 1000 };
const merchant = normalizeMerchant(
  { mchNo: 'M1', wechat: { appId: 'wx1', appSecret: 's' }, signSecret: ['new', 'old'] },
  0,
);
const options = (waitMs: number): ReplayOptions => ({ waitMs, pendingTtlMs: waitMs + 5_000 });
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined } as unknown as AssistLogger;

class Counter implements AssistMetrics {
  redisError(): void {}
  readonly replayed: string[] = [];
  request(): void {}
  upstreamCall(): void {}
  exchangeReused(): void {}
  replayRejected(): void {}
  breakerState(): void {}
  replayAnswered(source: string): void {
    this.replayed.push(source);
  }
}

function answers(store: ReplayStore, waitMs = 2_000, metrics = new Counter()): ReplayAnswers {
  return new ReplayAnswers(store, quiet, options(waitMs), metrics, clock);
}

const request = (key = 'k1', secret = 'new', route = 'getWxAuthUrl'): ReplayRequest => ({
  key,
  route,
  windowEnds: NOW + 300,
  sealKey: replaySealKey(merchant, secret),
  traceId: 'T1',
});
const ANSWER = {
  code: 0,
  msg: 'success',
  data: { code: 0, url: 'https://x', resTime: NOW, sign: 'abc' },
  traceId: 'FIRST',
};

function ticketOf(entry: ReplayEntry): ReplayTicket {
  if (entry.kind !== 'fresh') throw new Error(`expected a fresh run, got ${entry.kind}`);
  return entry.ticket;
}

describe('ReplayAnswers (answer mode) on the memory store', () => {
  it('one key, two routes: the answer stored for one route is 10007 on the other, and a run in flight on one refuses the other at once', async () => {
    const replay = answers(new MemoryReplayStore());
    const first = ticketOf(await replay.enter(request('k-route', 'new', 'authAndSet')));
    await expect(replay.enter(request('k-route', 'new', 'auth'))).rejects.toMatchObject({
      code: 10007,
      message: expect.stringContaining('on another route'),
    });
    await replay.settle(first, ANSWER);
    await expect(replay.enter(request('k-route', 'new', 'auth'))).rejects.toMatchObject({
      code: 10007,
      message: expect.stringContaining('another route'),
    });
    await expect(replay.enter(request('k-route', 'new', 'authAndSet'))).resolves.toMatchObject({
      kind: 'replayed',
      answer: ANSWER,
    });
  });

  it('runs a request once, then answers every copy with the stored answer', async () => {
    const metrics = new Counter();
    const replay = answers(new MemoryReplayStore(), 2_000, metrics);
    const ticket = ticketOf(await replay.enter(request()));
    await replay.settle(ticket, ANSWER);
    for (let i = 0; i < 3; i++)
      expect(await replay.enter(request())).toEqual({ kind: 'replayed', answer: ANSWER, source: 'stored' });
    expect(metrics.replayed).toEqual(['stored', 'stored', 'stored']);
  });

  it('keeps distinct keys apart', async () => {
    const replay = answers(new MemoryReplayStore());
    await replay.settle(ticketOf(await replay.enter(request('a'))), ANSWER);
    expect((await replay.enter(request('b'))).kind).toBe('fresh');
  });

  it('a twin in flight on this instance waits for the first run and gets its answer (joined)', async () => {
    const metrics = new Counter();
    const replay = answers(new MemoryReplayStore(), 2_000, metrics);
    const ticket = ticketOf(await replay.enter(request()));
    const twin = replay.enter(request());
    await replay.settle(ticket, ANSWER);
    expect(await twin).toEqual({ kind: 'replayed', answer: ANSWER, source: 'joined' });
    expect(metrics.replayed).toEqual(['joined']);
  });

  it('a released run lets the waiting twin run itself, and a later copy run again', async () => {
    const replay = answers(new MemoryReplayStore());
    const ticket = ticketOf(await replay.enter(request()));
    const twin = replay.enter(request());
    await replay.release(ticket);
    const second = ticketOf(await twin);
    expect(second.owner).not.toBe(ticket.owner);
    await replay.release(second);
    expect((await replay.enter(request())).kind).toBe('fresh');
  });

  it('settle and release act once per ticket (the interceptor and the filter may both see it)', async () => {
    const replay = answers(new MemoryReplayStore());
    const ticket = ticketOf(await replay.enter(request()));
    await replay.settle(ticket, ANSWER);
    await replay.release(ticket);
    expect((await replay.enter(request())).kind).toBe('replayed');
  });

  it('another instance sharing the store waits for the holder, then gets its answer (stored)', async () => {
    const store = new MemoryReplayStore();
    const a = answers(store);
    const metrics = new Counter();
    const b = answers(store, 2_000, metrics);
    const ticket = ticketOf(await a.enter(request()));
    const waiting = b.enter(request());
    await a.settle(ticket, ANSWER);
    expect(await waiting).toEqual({ kind: 'replayed', answer: ANSWER, source: 'stored' });
    expect(metrics.replayed).toEqual(['stored']);
  });

  it('gives up with 29061 when the holder elsewhere does not answer within the wait', async () => {
    const store = new MemoryReplayStore();
    ticketOf(await answers(store).enter(request()));
    const err = await answers(store, 30)
      .enter(request())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AssistException);
    expect((err as AssistException).code).toBe(AssistErrorCode.REPLAY_IN_PROGRESS);
  });

  it('opens the stored answer only with the secret that sealed it; otherwise refuses as a replay (it did run once)', async () => {
    const replay = answers(new MemoryReplayStore());
    await replay.settle(ticketOf(await replay.enter(request('k', 'old'))), ANSWER);
    expect(await replay.enter(request('k', 'old'))).toMatchObject({ kind: 'replayed' });
    const err = await replay.enter(request('k', 'new')).catch((e: unknown) => e);
    expect((err as AssistException).code).toBe(AssistErrorCode.REPLAYED);
  });

  it('a store outside the process gets the answer sealed (AES-256-GCM): it never holds the answer in clear', async () => {
    const inner = new MemoryReplayStore();
    // Not a MemoryReplayStore itself: what a Redis or a host's own store looks like to ReplayAnswers.
    const outside: ReplayStore = {
      claim: (key, ttlMs) => inner.claim(key, ttlMs),
      begin: (key, owner, ttlMs) => inner.begin(key, owner, ttlMs),
      settle: (key, owner, answer, ttlMs) => inner.settle(key, owner, answer, ttlMs),
      release: (key, owner) => inner.release(key, owner),
    };
    const settle = jest.spyOn(outside, 'settle');
    const replay = answers(outside);
    expect(replay.finishesNow).toBe(false);
    expect(replay.finishNow(ticketOf(await replay.enter(request('k-out'))), ANSWER)).toBe(false);
    expect(settle).not.toHaveBeenCalled();
    await replay.settle(ticketOf(await replay.enter(request())), ANSWER);
    const sealed = settle.mock.calls[0][2];
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('https://x');
    // The rest of the window, from the relay's clock: windowEnds - now + 1 s.
    expect(settle.mock.calls[0][3]).toBe(301_000);
    expect(await replay.enter(request())).toMatchObject({ kind: 'replayed', answer: ANSWER });
  });

  it('the memory store keeps the answer without a cipher, settled before finishNow returns, bound to its route and secret', async () => {
    const store = new MemoryReplayStore();
    const settleSync = jest.spyOn(store, 'settleSync');
    const replay = answers(store);
    expect(replay.finishesNow).toBe(true);
    expect(replay.finishNow(ticketOf(await replay.enter(request('k-local', 'new', 'auth'))), ANSWER)).toBe(true);
    expect(settleSync).toHaveBeenCalledTimes(1);
    expect(settleSync.mock.calls[0][3]).toBe(301_000);
    expect(await replay.enter(request('k-local', 'new', 'auth'))).toMatchObject({ kind: 'replayed', answer: ANSWER });
    for (const other of [request('k-local', 'old', 'auth'), request('k-local', 'new', 'authAndSet')]) {
      const err = await replay.enter(other).catch((e: unknown) => e);
      expect((err as AssistException).code).toBe(AssistErrorCode.REPLAYED);
    }
    // Without an answer, finishNow releases: the identical retry runs again.
    expect(replay.finishNow(ticketOf(await replay.enter(request('k-failed'))), undefined)).toBe(true);
    expect((await replay.enter(request('k-failed'))).kind).toBe('fresh');
  });

  it('strict mode: a second sighting within the window is 10007-class REPLAYED', async () => {
    const replay = answers(new MemoryReplayStore());
    await replay.claimOnce('s', NOW + 300);
    const err = await replay.claimOnce('s', NOW + 300).catch((e: unknown) => e);
    expect((err as AssistException).code).toBe(AssistErrorCode.REPLAYED);
  });
});

describe('MemoryReplayStore answer mode', () => {
  const T0 = 1_700_000_000_000;

  it("settles and releases only the owner's own claim", () => {
    const s = new MemoryReplayStore();
    expect(s.beginSync('k', 'o1', 1_000, T0)).toEqual({ state: 'claimed' });
    expect(s.beginSync('k', 'o2', 1_000, T0)).toEqual({ state: 'pending' });
    s.settleSync('k', 'o2', 'sealed', 5_000, T0);
    expect(s.beginSync('k', 'o2', 1_000, T0)).toEqual({ state: 'pending' });
    s.settleSync('k', 'o1', 'sealed', 5_000, T0);
    expect(s.beginSync('k', 'o2', 1_000, T0 + 2_000)).toEqual({ state: 'answered', answer: 'sealed' });
    expect(s.beginSync('k', 'o3', 1_000, T0 + 5_000)).toEqual({ state: 'claimed' });
  });

  it('a pending claim lapses after its own ttl (a crashed run does not block the window)', () => {
    const s = new MemoryReplayStore();
    s.beginSync('k', 'o1', 1_000, T0);
    expect(s.beginSync('k', 'o2', 1_000, T0 + 999)).toEqual({ state: 'pending' });
    expect(s.beginSync('k', 'o2', 1_000, T0 + 1_000)).toEqual({ state: 'claimed' });
  });

  it('a strict claim reads as pending to answer mode (seen, with nothing to repeat)', () => {
    const s = new MemoryReplayStore();
    s.claimSync('k', 1_000, T0);
    expect(s.beginSync('k', 'o', 1_000, T0)).toEqual({ state: 'pending' });
  });
});
