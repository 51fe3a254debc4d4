import { Inject } from '@nestjs/common';

/**
 * How long retry-safe replay waits for the first copy of a request that is
 * still running. Derived at start from the exchange's own bounds (a run's
 * worst case is waiting for another instance's exchange, then its own call
 * and retry), so replay never gives up before the business could have.
 */
export interface ReplayOptions {
  /** How long a copy waits for the first copy's answer before 29061. */
  readonly waitMs: number;
  /** How long a running copy's pending claim lives if its instance dies mid-run. */
  readonly pendingTtlMs: number;
}

/** The replay feature's own options (resolved at start). */
export const REPLAY_OPTIONS = Symbol('UnipayAssistReplayOptions');
export const InjectReplayOptions = (): ParameterDecorator => Inject(REPLAY_OPTIONS);
