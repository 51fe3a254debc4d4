/**
 * Memory of accepted signed requests, and (retry-safe mode) of their answers.
 * The interface and its injection token share a name, as ThrottlerStorage does.
 *
 * Strict mode (`replay: 'reject'`) uses `claim` alone. Answer mode (`replay:
 * 'answer'`, the default) uses `begin`, then `settle` or `release` (and
 * `begin` again while another instance holds the key): a key is either claimed by one
 * request (`owner`) that has not answered yet, or holds that request's
 * sealed answer until the request's window closes.
 */
export interface ReplayStore {
  /** Atomic check-and-set: true the first time a key is seen within its ttl, false after. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Atomically claims `key` for `owner` for ttlMs, or says what already holds it. */
  begin(key: string, owner: string, ttlMs: number): Promise<ReplaySighting>;
  /** Replaces `owner`'s claim with the sealed answer (for ttlMs); nothing when the claim is no longer `owner`'s. */
  settle(key: string, owner: string, answer: string, ttlMs: number): Promise<void>;
  /** Drops `owner`'s claim, so the same request runs again when retried; nothing when it is not `owner`'s. */
  release(key: string, owner: string): Promise<void>;
}

export const ReplayStore = Symbol('ReplayStore');

/**
 * What `begin` found: `claimed` (the caller now owns the key), `pending`
 * (another request owns it and has not answered yet), `answered` (the sealed
 * answer that request stored).
 */
export type ReplaySighting = { state: 'claimed' } | { state: 'pending' } | { state: 'answered'; answer: string };

/** How a value is stored: `p:<owner>` while pending, `a:<sealed answer>` once answered (one key either way). */
export const PENDING_PREFIX = 'p:';
export const ANSWER_PREFIX = 'a:';

/** A held key's stored value as a sighting (strict mode's `1` reads as pending: seen, with no answer to give). */
export function sightingOf(value: string): ReplaySighting {
  return value.startsWith(ANSWER_PREFIX)
    ? { state: 'answered', answer: value.slice(ANSWER_PREFIX.length) }
    : { state: 'pending' };
}
