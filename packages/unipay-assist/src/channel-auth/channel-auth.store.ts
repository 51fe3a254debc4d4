/**
 * Where hosted authorization flows live while a payer authorizes: the flow
 * under its queryCode, the OAuth state that points at it, and which code
 * completed it. Values are opaque strings (the service seals what holds
 * tokens); keys are hashes, never a queryCode, state or code in clear.
 * Every entry expires (5 minutes, DaxPay's life of a queryCode). The
 * interface and its injection token share a name, as ThrottlerStorage does.
 */
export interface ChannelAuthStore {
  /** The stored value, or undefined (absent or expired). */
  get(key: string): Promise<string | undefined>;
  /** Stores (or replaces) a value for ttlMs. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /**
   * Atomic set-if-absent: stores `value` unless the key holds one, and
   * returns what the key holds afterwards (ours, or the earlier value).
   */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<string>;
  /** Deletes the key only if it still holds `value` (a compare-and-delete). */
  deleteIf(key: string, value: string): Promise<void>;
}

export const ChannelAuthStore = Symbol('ChannelAuthStore');

/** How long a flow, its state and its result live: 5 minutes, as DaxPay keeps a queryCode (and as WeChat keeps a code). */
export const CHANNEL_AUTH_TTL_MS = 5 * 60_000;
