import { Inject } from '@nestjs/common';

/**
 * The time the relay reads: reqTime windows, resTime, replay windows. One
 * token so tests (and a host with its own time source) can pin it instead
 * of racing the wall clock at a window's edge.
 */
export interface AssistClock {
  /** Milliseconds since the epoch. */
  nowMs(): number;
}

export const ASSIST_CLOCK = Symbol('AssistClock');

export const InjectAssistClock = (): ParameterDecorator => Inject(ASSIST_CLOCK);

export const systemClock: AssistClock = { nowMs: () => Date.now() };

export function nowSeconds(clock: AssistClock = systemClock): number {
  return Math.floor(clock.nowMs() / 1000);
}
