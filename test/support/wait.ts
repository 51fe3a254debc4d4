/**
 * The one place tests wait. Prefer `waitFor` / `until` (poll for a state)
 * over a fixed `sleep`: a sleep guesses how long something takes, a poll
 * asks. A fixed sleep is only right when it is longer than a time the code
 * under test promises (a ttl, a window) and nothing else is being guessed.
 * The default bounds are sized for a loaded machine (the suite must pass
 * beside two busy loops, `npm run test:stress`): a poll ends as soon as its
 * condition holds, so a generous bound costs nothing when things are fast.
 */

/** Default bound of waitFor / until. */
export const WAIT_BOUND_MS = 20_000;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until check() is true or the time is up; resolves false on time-out (assert it). */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  timeoutMs = WAIT_BOUND_MS,
  everyMs = 100,
): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(everyMs);
  }
  return false;
}

/**
 * Calls produce() until its value passes done(), and returns that value; throws
 * (with the last value) when the time is up. For "send until the answer changes".
 */
export async function until<T>(
  produce: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = WAIT_BOUND_MS,
  everyMs = 50,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await produce();
    if (done(value)) return value;
    if (Date.now() >= end) throw new Error(`gave up after ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await sleep(everyMs);
  }
}
