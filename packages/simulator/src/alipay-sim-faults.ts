import { readTimesAndShare, ruleFires, SimFaultError } from './sim-faults';

/**
 * Faults only Alipay's gateway has, beside the shared ones of sim-faults.ts
 * (latency, busy, http, non-json, reset, errcode), which the Alipay simulator
 * takes as they are. `sub-code` answers an Alipay refusal instead of the
 * exchange and burns no code; `bad-sign` and `unsigned` let the exchange run
 * (the code is spent) and then spoil the answer's sign, as a tampering
 * middlebox would. Pure: no HTTP.
 */
export type AlipaySimFaultKind = 'sub-code' | 'bad-sign' | 'unsigned';

export const ALIPAY_SIM_FAULT_KINDS: readonly AlipaySimFaultKind[] = ['sub-code', 'bad-sign', 'unsigned'];

export interface AlipaySimFault {
  kind: AlipaySimFaultKind;
  /** Applies to the next `times` gateway calls. Default 1 when `share` is not given. */
  times?: number;
  /** Applies to this share (0..1) of gateway calls, for as long as the rule stands. */
  share?: number;
  /** `sub-code`: the sub_code answered, e.g. `isv.invalid-app-id`. */
  subCode?: string;
  /** `sub-code`: the gateway code answered with it. Default from the sub code's family. */
  code?: string;
}

export function isAlipaySimFaultKind(kind: unknown): kind is AlipaySimFaultKind {
  return ALIPAY_SIM_FAULT_KINDS.includes(kind as AlipaySimFaultKind);
}

/** Validates one rule; throws SimFaultError naming the field. */
export function normalizeAlipayFault(input: unknown): AlipaySimFault {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new SimFaultError('an Alipay fault must be an object like {"kind":"bad-sign","times":1}');
  }
  const f = input as Record<string, unknown>;
  if (!isAlipaySimFaultKind(f.kind))
    throw new SimFaultError(`kind must be one of ${ALIPAY_SIM_FAULT_KINDS.join(', ')}`);
  const out: AlipaySimFault = { kind: f.kind };
  readTimesAndShare(f, out);
  if (out.kind === 'sub-code') {
    if (typeof f.subCode !== 'string' || !/^[a-z]+\.[a-z0-9-]+$/.test(f.subCode)) {
      throw new SimFaultError('sub-code needs subCode like isv.invalid-app-id');
    }
    out.subCode = f.subCode;
    if (f.code !== undefined) {
      const code = typeof f.code === 'string' || typeof f.code === 'number' ? String(f.code) : '';
      if (!/^\d{5}$/.test(code)) throw new SimFaultError('code must be a 5-digit gateway code like 40002');
      out.code = code;
    }
  }
  return out;
}

/** `kind[=subCode][*times|@share]` joined by commas, e.g. `bad-sign*1,sub-code=isv.invalid-app-id*2,unsigned@0.5`. */
export function parseAlipayFaults(text: string | undefined): AlipaySimFault[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const m = /^([a-z-]+)(?:=([a-z]+\.[a-z0-9-]+))?(?:\*(\d+)|@([0-9.]+))?$/.exec(item);
      if (!m) throw new SimFaultError(`cannot read Alipay fault "${item}": use kind[=subCode][*times|@share]`);
      const [, kind, subCode, times, share] = m;
      return normalizeAlipayFault({
        kind,
        subCode,
        times: times === undefined ? undefined : Number(times),
        share: share === undefined ? undefined : Number(share),
      });
    });
}

/** Live rules, the first firing one wins; same `times` / `share` semantics as FaultPlan. */
export class AlipayFaultPlan {
  private rules: AlipaySimFault[] = [];
  injected = 0;

  constructor(
    initial: AlipaySimFault[] = [],
    private readonly random: () => number = Math.random,
  ) {
    this.add(initial);
  }

  add(faults: AlipaySimFault[]): void {
    for (const f of faults) this.rules.push(normalizeAlipayFault(f));
  }

  clear(): void {
    this.rules = [];
  }

  list(): AlipaySimFault[] {
    return this.rules.map((r) => ({ ...r }));
  }

  next(): AlipaySimFault | undefined {
    const rule = this.rules.find((r) => this.fires(r));
    this.rules = this.rules.filter((r) => r.times === undefined || r.times > 0);
    if (rule) this.injected++;
    return rule && { ...rule };
  }

  private fires(rule: AlipaySimFault): boolean {
    return ruleFires(rule, this.random);
  }
}
