/**
 * Where finished code exchanges are kept and who may run one. Values are
 * opaque strings (the service seals them); keys are `appId:sha256(code)`,
 * never a code. The interface and its injection token share a name, as
 * ThrottlerStorage does.
 */
export interface ExchangeCache {
  /** The stored result, or undefined. */
  get(key: string): Promise<string | undefined>;
  /** Stores a result for ttlMs. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Atomic claim (SET NX PX): true when this caller may call WeChat for the key. */
  claim(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the claim up, only if `owner` still holds it. */
  release(key: string, owner: string): Promise<void>;
  /**
   * Optional: `claim`, then `get`, in one round trip: whether the claim was
   * won, and the result stored for the key as read after the claim. Without
   * it the service calls `get`, `claim` and `get` again.
   */
  claimThenGet?(key: string, owner: string, ttlMs: number): Promise<{ won: boolean; value?: string }>;
}

export const ExchangeCache = Symbol('ExchangeCache');
