/**
 * Fault injection for the WeChat simulator's exchange endpoint. Pure: no
 * NestJS, no HTTP. A plan is a list of rules; each exchange asks the plan
 * what to do. `latency` delays the call and then lets it go on (so a code is
 * burned after the delay, as with a slow WeChat); every other kind answers
 * instead of WeChat and burns no code.
 */
export type SimFaultKind = 'latency' | 'busy' | 'http' | 'non-json' | 'reset' | 'errcode';

export const SIM_FAULT_KINDS: readonly SimFaultKind[] = ['latency', 'busy', 'http', 'non-json', 'reset', 'errcode'];

export interface SimFault {
  kind: SimFaultKind;
  /** Applies to the next `times` exchanges. Default 1 when `share` is not given. */
  times?: number;
  /** Applies to this share (0..1) of exchanges, for as long as the rule stands. */
  share?: number;
  /** `latency`: delay in ms. */
  ms?: number;
  /** `http`: the status sent. Default 503. */
  status?: number;
  /** `errcode`: the WeChat errcode sent. */
  errcode?: number;
}

/** What one exchange gets: an added delay, then an answer instead of WeChat's (or none). */
export interface FaultDecision {
  delayMs: number;
  answer?: Exclude<SimFault, { kind: 'latency' }> & { kind: Exclude<SimFaultKind, 'latency'> };
}

export class SimFaultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimFaultError';
  }
}

/** Validates one rule (from JSON or the admin endpoint); throws SimFaultError naming the field. */
export function normalizeFault(input: unknown): SimFault {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new SimFaultError('a fault must be an object like {"kind":"busy","times":1}');
  }
  const f = input as Record<string, unknown>;
  const kind = f.kind as SimFaultKind;
  if (!SIM_FAULT_KINDS.includes(kind)) throw new SimFaultError(`kind must be one of ${SIM_FAULT_KINDS.join(', ')}`);
  const out: SimFault = { kind };
  readTimesAndShare(f, out);
  if (kind === 'latency') {
    const ms = Number(f.ms);
    if (!Number.isFinite(ms) || ms < 0 || ms > 120_000) throw new SimFaultError('latency needs ms from 0 to 120000');
    out.ms = ms;
  }
  if (kind === 'http') {
    const status = f.status === undefined ? 503 : Number(f.status);
    if (!Number.isInteger(status) || status < 300 || status > 599)
      throw new SimFaultError('http needs a status from 300 to 599');
    out.status = status;
  }
  if (kind === 'errcode') {
    const errcode = Number(f.errcode);
    if (!Number.isInteger(errcode) || errcode === 0)
      throw new SimFaultError('errcode needs a non-zero integer errcode');
    out.errcode = errcode;
  }
  return out;
}

/**
 * Faults from configuration: a JSON rule or array, or the compact form
 * `kind[=arg][*times|@share]` joined by commas, e.g.
 * `busy*2,latency=6000*1,http=502@0.5,errcode=45011*1,reset*1,non-json@0.2`.
 * The arg is `ms` for latency, `status` for http, `errcode` for errcode.
 */
export function parseFaults(text: string | undefined): SimFault[] {
  const t = (text ?? '').trim();
  if (!t) return [];
  if (t.startsWith('[') || t.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(t);
    } catch {
      throw new SimFaultError('faults JSON is not valid JSON');
    }
    return (Array.isArray(parsed) ? parsed : [parsed]).map(normalizeFault);
  }
  return t
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const m = /^([a-z-]+)(?:=(-?\d+))?(?:\*(\d+)|@([0-9.]+))?$/.exec(item);
      if (!m) throw new SimFaultError(`cannot read fault "${item}": use kind[=arg][*times|@share]`);
      const [, kind, arg, times, share] = m;
      const rule: Record<string, unknown> = { kind };
      if (times !== undefined) rule.times = Number(times);
      if (share !== undefined) rule.share = Number(share);
      if (arg !== undefined) rule[kind === 'latency' ? 'ms' : kind === 'http' ? 'status' : 'errcode'] = Number(arg);
      return normalizeFault(rule);
    });
}

/** Live rules and what they did. `random` is injectable so tests can pin shares. */
export class FaultPlan {
  private rules: SimFault[] = [];
  /** Exchanges that got a fault (a latency counts once even when combined). */
  injected = 0;

  constructor(
    initial: SimFault[] = [],
    private readonly random: () => number = Math.random,
  ) {
    this.add(initial);
  }

  add(faults: SimFault[]): void {
    for (const f of faults) this.rules.push({ ...normalizeFault(f) });
  }

  clear(): void {
    this.rules = [];
  }

  /** Rules still standing (a `times` rule leaves once spent). */
  list(): SimFault[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** Decides for one exchange: every matching latency adds up; the first matching answer wins. */
  next(): FaultDecision {
    const decision: FaultDecision = { delayMs: 0 };
    for (const rule of this.rules) {
      if (rule.kind !== 'latency' && decision.answer) continue;
      if (!this.fires(rule)) continue;
      if (rule.kind === 'latency') decision.delayMs += rule.ms ?? 0;
      else decision.answer = rule as FaultDecision['answer'];
    }
    this.rules = this.rules.filter((r) => r.times === undefined || r.times > 0);
    if (decision.delayMs > 0 || decision.answer) this.injected++;
    return decision;
  }

  private fires(rule: SimFault): boolean {
    return ruleFires(rule, this.random);
  }
}

/** How often a rule applies, shared by every simulator's faults: `share` (0..1), `times` (default 1 without a share). */
export interface RuleCount {
  times?: number;
  share?: number;
}

/** Reads `share` and `times` of a rule into `out`; throws SimFaultError naming the field. */
export function readTimesAndShare(f: Record<string, unknown>, out: RuleCount): void {
  if (f.share !== undefined) {
    const share = Number(f.share);
    if (!(share >= 0 && share <= 1)) throw new SimFaultError('share must be a number from 0 to 1');
    out.share = share;
  }
  if (f.times !== undefined || out.share === undefined) {
    const times = f.times === undefined ? 1 : Number(f.times);
    if (!Number.isInteger(times) || times < 1) throw new SimFaultError('times must be a positive integer');
    out.times = times;
  }
}

/** Whether a rule applies to this call, spending one of its `times`. */
export function ruleFires(rule: RuleCount, random: () => number): boolean {
  if (rule.times !== undefined) {
    if (rule.times <= 0) return false;
    if (rule.share !== undefined && random() >= rule.share) return false;
    rule.times--;
    return true;
  }
  return random() < (rule.share ?? 0);
}
