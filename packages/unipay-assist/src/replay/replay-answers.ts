import { Inject, Injectable, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WireAnswer } from '@unipay-assist/wire';
import { AssistException } from '../kernel/assist.exception';
import { AssistLogger } from '../kernel/assist.logger';
import { AssistClock, InjectAssistClock, nowSeconds, systemClock } from '../kernel/clock';
import { AssistMetrics } from '../kernel/assist.metrics';
import { AssistErrorCode } from '@unipay-assist/wire';
import { isRecord } from '@unipay-assist/wire';
import { MemoryReplayStore } from './memory-replay.store';
import { BOUND_IN_PROCESS, JsonSeal, SEALED } from '../kernel/seal';
import { InjectReplayOptions, ReplayOptions } from './replay.options';
import { ReplayStore } from './replay.store';

/** One signed request as the replay memory sees it. */
export interface ReplayRequest {
  /** The store key (replayKey): hashed, holds no sign, the same on every route. */
  key: string;
  /** The route the request came in on: its answer is kept for that route only (sealed with it as associated data). */
  route: string;
  /** The last second (epoch) the request's reqTime window accepts it: the memory lasts until then. */
  windowEnds: number;
  /** Seals and opens the stored answer (derived from the merchant's verifying sign secret). */
  sealKey: Buffer;
  traceId: string;
}

/** A request that runs the business: `settle` with its answer or `release` on failure, exactly once. */
export interface ReplayTicket {
  readonly key: string;
  readonly route: string;
  readonly owner: string;
  readonly sealKey: Buffer;
  readonly traceId: string;
  readonly windowEnds: number;
  /** Set once settled or released. */
  done: boolean;
  /** Hands the outcome to identical requests waiting on this instance. */
  readonly finish: (outcome: LocalOutcome) => void;
}

/** Where a replayed answer came from: the store (this or another instance, finished earlier) or an identical request in flight here. */
export type ReplaySource = 'stored' | 'joined';

export type ReplayEntry =
  { kind: 'fresh'; ticket: ReplayTicket } | { kind: 'replayed'; answer: WireAnswer; source: ReplaySource };

type LocalOutcome = { kind: 'answer'; answer: WireAnswer } | { kind: 'released' } | { kind: 'failed'; error: unknown };

/**
 * Retry-safe replay memory (a merchant's `replay: 'answer'`): a signed request
 * seen again within its window gets the answer it got the first time, sealed
 * in the ReplayStore, never a second run of the business. Identical requests
 * in flight at once on this instance share one run (single-flight); across
 * instances the store's owner-tagged claim lets one run while the others poll,
 * bounded by the exchange wait, for its answer. A run that fails releases the
 * claim, so a retry runs again. Strict mode (`reject`) is `claimOnce`.
 */
@Injectable()
export class ReplayAnswers {
  private readonly inflight = new Map<string, { route: string; promise: Promise<LocalOutcome> }>();
  private readonly waitMs: number;
  private readonly pendingTtlMs: number;
  /** The store, when it lives in this process: answers settle and release without a promise. */
  private readonly local?: MemoryReplayStore;
  /** Stored answers sealed for a store outside the process, bound without the cipher in the memory store. */
  private readonly codec: JsonSeal;
  private localOwners = 0;

  constructor(
    @Inject(ReplayStore) private readonly store: ReplayStore,
    private readonly logger: AssistLogger,
    @InjectReplayOptions() options: ReplayOptions,
    @Optional() @Inject(AssistMetrics) private readonly metrics?: AssistMetrics,
    @Optional() @InjectAssistClock() private readonly clock: AssistClock = systemClock,
  ) {
    this.waitMs = options.waitMs;
    this.pendingTtlMs = options.pendingTtlMs;
    if (store instanceof MemoryReplayStore) this.local = store;
    this.codec = this.local ? BOUND_IN_PROCESS : SEALED;
  }

  /** Whether `finishNow` settles and releases here and now (the store lives in this process). */
  get finishesNow(): boolean {
    return this.local !== undefined;
  }

  /**
   * `settle` (with an answer) or `release` (without), done before this
   * returns, for a store in this process; false, doing nothing, for any
   * other store (then `settle` / `release`). The envelope's answer then
   * needs no promise of its own.
   */
  finishNow(ticket: ReplayTicket, answer: WireAnswer | undefined): boolean {
    const local = this.local;
    if (!local) return false;
    if (ticket.done) return true;
    ticket.done = true;
    if (answer === undefined) {
      local.releaseSync(ticket.key, ticket.owner);
      ticket.finish({ kind: 'released' });
      return true;
    }
    try {
      const stored = this.codec.seal(answer, ticket.sealKey, answerAad(ticket.key, ticket.route));
      local.settleSync(ticket.key, ticket.owner, stored, this.windowTtlMs(ticket.windowEnds), Date.now());
    } catch {
      this.logger.warn(ticket.traceId, 'replay.store_write_failed', {});
    }
    ticket.finish({ kind: 'answer', answer });
    return true;
  }

  /** Strict mode: the first sighting passes, any later one within the window is 10007. */
  async claimOnce(key: string, windowEnds: number): Promise<void> {
    if (!(await this.store.claim(key, this.windowTtlMs(windowEnds)))) throw acceptedBefore();
  }

  /** `claimOnce` done before it returns (true), for a store in this process; false, doing nothing, otherwise. */
  claimOnceNow(key: string, windowEnds: number): boolean {
    if (!this.local) return false;
    if (!this.local.claimSync(key, this.windowTtlMs(windowEnds), Date.now())) throw acceptedBefore();
    return true;
  }

  /**
   * `enter` done before it returns, for a store in this process when no
   * identical request is in flight here (the common case: a new request, or
   * a retry of one already answered); undefined, doing nothing, when it has
   * to wait or the store is elsewhere (then `enter`).
   */
  enterNow(request: ReplayRequest): ReplayEntry | undefined {
    const local = this.local;
    if (!local || this.inflight.has(request.key)) return undefined;
    // Only this process claims in its own store: a counter tells owners apart as well as a UUID.
    const owner = `local-${++this.localOwners}`;
    const seen = local.beginSync(request.key, owner, this.pendingTtlMsOf(request), Date.now());
    if (seen.state === 'pending') return undefined;
    if (seen.state === 'answered') return this.replayed(this.opened(seen.answer, request), 'stored');
    return { kind: 'fresh', ticket: this.ticket(request, owner, this.register(request)) };
  }

  /** Answer mode: run it (`fresh`), or the answer it already got (`replayed`). */
  async enter(request: ReplayRequest): Promise<ReplayEntry> {
    for (;;) {
      const running = this.inflight.get(request.key);
      if (running) {
        // The same signed body running on another route right now: never this route's answer, never a second run.
        if (running.route !== request.route) throw otherRoute();
        const outcome = await this.bounded(running.promise);
        if (outcome.kind === 'answer') return this.replayed(outcome.answer, 'joined');
        if (outcome.kind === 'failed') throw outcome.error;
        // Released: the twin failed before its business finished; run it ourselves.
        continue;
      }
      // Registered before the first await, so a twin arriving now waits for this one.
      const finish = this.register(request);
      try {
        const found = await this.claim(request);
        if (found.kind === 'fresh') return { kind: 'fresh', ticket: this.ticket(request, found.owner, finish) };
        finish({ kind: 'answer', answer: found.answer });
        return this.replayed(found.answer, 'stored');
      } catch (error) {
        finish({ kind: 'failed', error });
        throw error;
      }
    }
  }

  /** Marks the request in flight on this instance; the function ends that and hands its twins the outcome. */
  private register(request: ReplayRequest): (outcome: LocalOutcome) => void {
    let resolve!: (outcome: LocalOutcome) => void;
    const promise = new Promise<LocalOutcome>((r) => (resolve = r));
    this.inflight.set(request.key, { route: request.route, promise });
    return (outcome) => {
      if (this.inflight.get(request.key)?.promise === promise) this.inflight.delete(request.key);
      resolve(outcome);
    };
  }

  private ticket(request: ReplayRequest, owner: string, finish: (outcome: LocalOutcome) => void): ReplayTicket {
    const { key, route, sealKey, traceId, windowEnds } = request;
    return { key, route, owner, sealKey, traceId, windowEnds, done: false, finish };
  }

  /**
   * Keeps the answer for the rest of the window (sealed) and hands it to the
   * twins waiting here. A store that cannot take it costs idempotency only:
   * the answer is in hand and goes out.
   */
  async settle(ticket: ReplayTicket, answer: WireAnswer): Promise<void> {
    if (ticket.done) return;
    ticket.done = true;
    try {
      const sealed = this.codec.seal(answer, ticket.sealKey, answerAad(ticket.key, ticket.route));
      await this.store.settle(ticket.key, ticket.owner, sealed, this.windowTtlMs(ticket.windowEnds));
    } catch {
      this.logger.warn(ticket.traceId, 'replay.store_write_failed', {});
    } finally {
      ticket.finish({ kind: 'answer', answer });
    }
  }

  /** Gives the claim up (the request failed, or its answer is not one to repeat), so a retry runs again. */
  async release(ticket: ReplayTicket): Promise<void> {
    if (ticket.done) return;
    ticket.done = true;
    try {
      await this.store.release(ticket.key, ticket.owner);
    } catch {
      // The pending claim lapses by itself after its own (short) ttl.
      this.logger.warn(ticket.traceId, 'replay.release_failed', {});
    } finally {
      ticket.finish({ kind: 'released' });
    }
  }

  /** Claims the key, or finds the stored answer, waiting (bounded) while another instance runs the same request. */
  private async claim(
    request: ReplayRequest,
  ): Promise<{ kind: 'fresh'; owner: string } | { kind: 'stored'; answer: WireAnswer }> {
    const owner = randomUUID();
    const deadline = Date.now() + this.waitMs;
    let pause = 20;
    let waited = false;
    for (;;) {
      const seen = await this.store.begin(request.key, owner, this.pendingTtlMsOf(request));
      if (seen.state === 'claimed') return { kind: 'fresh', owner };
      if (seen.state === 'answered') return { kind: 'stored', answer: this.opened(seen.answer, request) };
      if (!waited) this.logger.log(request.traceId, 'replay.waiting', {});
      waited = true;
      if (Date.now() + pause > deadline) {
        throw inProgress();
      }
      await sleep(pause);
      pause = Math.min(pause * 2, 200);
    }
  }

  /** The twin's outcome, or 29061 once the wait is over (a run that never finishes must not hold its copies forever). */
  private async bounded(running: Promise<LocalOutcome>): Promise<LocalOutcome> {
    let timer: NodeJS.Timeout | undefined;
    const overdue = new Promise<LocalOutcome>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'failed', error: inProgress() }), this.waitMs);
      timer.unref();
    });
    try {
      return await Promise.race([running, overdue]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The stored answer opened for this request; 10007 when it does not open here. */
  private opened(stored: string, request: ReplayRequest): WireAnswer {
    const answer = this.codec.open(stored, request.sealKey, answerAad(request.key, request.route));
    if (!isRecord(answer)) {
      // Answered on another route, or sealed under another secret (rotated since): nothing to repeat here, and it did run once.
      throw new AssistException(
        AssistErrorCode.REPLAYED,
        'replayed request: already answered on another route, or its stored answer is sealed with another sign secret',
      );
    }
    return answer;
  }

  /** A claim lasts the run's worst case, never past the window. */
  private pendingTtlMsOf(request: ReplayRequest): number {
    return Math.min(this.windowTtlMs(request.windowEnds), this.pendingTtlMs);
  }

  /** Until the window closes, at least a second (the relay's clock: a pinned one pins windows too). */
  private windowTtlMs(windowEnds: number): number {
    return Math.max(1, windowEnds - nowSeconds(this.clock) + 1) * 1000;
  }

  private replayed(answer: WireAnswer, source: ReplaySource): ReplayEntry {
    this.metrics?.replayAnswered(source);
    return { kind: 'replayed', answer, source };
  }
}

/** What a stored answer is sealed with besides its key: the route, so it opens on that route only. */
function answerAad(key: string, route: string): string {
  return `${key}\u0000${route}`;
}

function acceptedBefore(): AssistException {
  // Counted as a rejection by the EnvelopeExceptionFilter, like every 10007.
  return new AssistException(AssistErrorCode.REPLAYED, 'replayed request: this signed request was already accepted');
}

function otherRoute(): AssistException {
  return new AssistException(
    AssistErrorCode.REPLAYED,
    'replayed request: this signed request is being answered on another route',
  );
}

function inProgress(): AssistException {
  return new AssistException(
    AssistErrorCode.REPLAY_IN_PROGRESS,
    'the same signed request is still being answered; retry shortly',
  );
}

declare module '../kernel/request-context.js' {
  interface AssistRequestContext {
    /**
     * Retry-safe replay (the guard's replay step): `fresh` holds the claim the
     * interceptor settles with the answer (or the filter releases on failure);
     * `replayed` holds the stored answer, which the interceptor returns without
     * running the handler. Absent for strict-mode and unsigned requests.
     */
    replay?: ReplayEntry;
  }
}
