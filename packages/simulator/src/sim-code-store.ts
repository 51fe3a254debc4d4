/** Where an issued code stands, for tests and the fault tables ("did the code survive?"). */
export type SimCodeState = 'unknown' | 'unused' | 'used' | 'expired';

/** What the store adds to each issued code. */
export interface SimCodeLife {
  expiresAt: number;
  /** Set by the exchange that spends the code. */
  used: boolean;
}

/**
 * Single-use codes living one ttl each, as WeChat's and Alipay's are. Used
 * codes stay until they expire, so a reuse is answered as upstream answers
 * it (40163, isv.code-invalid). One ttl for every code makes insertion order
 * expiry order: a sweep stops at the first live code (a full scan per issue
 * made bulk issuing quadratic).
 */
export class SimCodeStore<T extends object> {
  private readonly codes = new Map<string, T & SimCodeLife>();

  constructor(
    private readonly ttlMs: number,
    private readonly newCode: () => string,
  ) {}

  issue(entry: T): string {
    this.sweep();
    const code = this.newCode();
    this.codes.set(code, { ...entry, expiresAt: Date.now() + this.ttlMs, used: false });
    return code;
  }

  /** The issued code's entry (mutable: the exchange marks it used), or undefined. */
  get(code: string): (T & SimCodeLife) | undefined {
    return this.codes.get(code);
  }

  state(code: string): SimCodeState {
    const issued = this.codes.get(code);
    if (!issued) return 'unknown';
    if (issued.used) return 'used';
    return issued.expiresAt <= Date.now() ? 'expired' : 'unused';
  }

  private sweep(): void {
    if (this.codes.size < 10_000) return;
    const now = Date.now();
    for (const [code, issued] of this.codes) {
      if (issued.expiresAt > now) break;
      this.codes.delete(code);
    }
  }
}
