/** A value now, or later: what a hot path answers when only some stores or providers are asynchronous. */
export type MaybePromise<T> = T | Promise<T>;

/** Whether it is a promise (any thenable), to be awaited. */
export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

/**
 * `next(value)` at once when the value is there, after it when it is a
 * promise: a request whose stores and providers answer in process never
 * waits a microtask for them (each hop of Nest's guard chain is one).
 */
export function andThen<T, R>(value: MaybePromise<T>, next: (value: T) => MaybePromise<R>): MaybePromise<R> {
  return isPromise(value) ? value.then(next) : next(value);
}
