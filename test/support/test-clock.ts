import type { AssistClock } from '../../packages/unipay-assist/src/kernel/clock';

/**
 * An ASSIST_CLOCK for tests (module option `clock`). Follows the wall clock
 * until pinned; pinned, the relay's "now" (reqTime window, resTime, replay
 * ttl) is exactly what the test says, so window edges and resTime are exact.
 */
export class TestClock implements AssistClock {
  private pinnedMs: number | undefined;

  constructor(pinnedMs?: number) {
    this.pinnedMs = pinnedMs;
  }

  /** A clock pinned at `seconds` (Unix time). */
  static at(seconds: number): TestClock {
    return new TestClock(seconds * 1000);
  }

  nowMs(): number {
    return this.pinnedMs ?? Date.now();
  }

  /** The relay's now, in whole seconds (what reqTime and resTime are in). */
  seconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  pin(seconds: number): void {
    this.pinnedMs = seconds * 1000;
  }

  advance(seconds: number): void {
    this.pinnedMs = this.nowMs() + seconds * 1000;
  }

  /** Back to the wall clock. */
  release(): void {
    this.pinnedMs = undefined;
  }
}
