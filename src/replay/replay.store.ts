/**
 * Memory of accepted signed requests. `claim` is an atomic check-and-set:
 * true the first time a key is seen within its ttl, false after.
 * The interface and its injection token share a name, as ThrottlerStorage does.
 */
export interface ReplayStore {
  claim(key: string, ttlMs: number): Promise<boolean>;
}

export const ReplayStore = Symbol('ReplayStore');
