import { AssistErrorCode } from '../../packages/wire/src/error-codes';
import { DEMO_MERCHANT, DEMO_WECHAT_APP, RunningGateway, signedBody } from './gateway';
import { SimAdmin } from './sim-admin';

/**
 * Steady load on several gateway instances sharing one Redis, for the
 * failover tests: a bounded number of workers, each sending one request at
 * a time, of three kinds:
 * - fresh: a new code, a new signed request (a payer's first exchange);
 * - repeat: a code answered before to the answer-mode merchant, in a new
 *   signed request of the same merchant to another instance (the cached
 *   result must come back, WeChat never called again; a code answered to the
 *   strict merchant is never answered to another one, so it is not repeated);
 * - retry: a byte-identical copy of an earlier signed request — for the
 *   answer-mode merchant it must get the first answer, for the strict one
 *   (`replay: 'reject'`) it must be refused if the first was accepted.
 * Every answer is recorded with its times; `summarize` turns them into the
 * figures the issue asks for.
 */

export const STRICT_MERCHANT = { ...DEMO_MERCHANT, mchNo: 'M_STRICT_FO', appId: undefined, replay: 'reject' as const };

export type RequestKind = 'fresh' | 'repeat' | 'retry-answer' | 'retry-strict';

export interface Sample {
  kind: RequestKind;
  gateway: number;
  start: number;
  end: number;
  /** ok, E<outer code>, wx<errcode>, http<status>, or network. */
  label: string;
  code?: string;
  openId?: string;
  /** Index of the signed body (for identical retries). */
  bodyId: number;
}

interface SentBody {
  body: Record<string, unknown>;
  code: string;
  strict: boolean;
  accepted: number;
  firstOk?: string;
}

export interface LoadOptions {
  gateways: RunningGateway[];
  sim: SimAdmin;
  workers: number;
  /** Pause between one worker's requests. */
  pauseMs: number;
  /** Per request; a request that takes longer counts as `network`. */
  requestTimeoutMs: number;
}

export class FailoverLoad {
  readonly samples: Sample[] = [];
  private readonly bodies: SentBody[] = [];
  /** Codes answered ok, with the openId they gave. */
  private readonly answered = new Map<string, string>();
  readonly codesIssued = new Set<string>();
  /** Codes first sent by the strict merchant: an exchange is answered only to the merchant that asked. */
  private readonly strictCodes = new Set<string>();
  private running = false;
  private loops: Promise<void>[] = [];
  private seq = 0;

  constructor(private readonly o: LoadOptions) {}

  start(): void {
    this.running = true;
    this.loops = Array.from({ length: this.o.workers }, (_, w) => this.loop(w));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async loop(worker: number): Promise<void> {
    while (this.running) {
      const n = this.seq++;
      const gateway = (n + worker) % this.o.gateways.length;
      const pick = n % 10;
      try {
        if (pick < 5 || this.answered.size === 0) await this.fresh(gateway, pick === 4);
        else if (pick < 7) await this.repeat(gateway);
        else await this.retry(gateway, pick === 9);
      } catch {
        // Recorded per request; an issueCode failure only skips this turn.
      }
      await new Promise((r) => setTimeout(r, this.o.pauseMs));
    }
  }

  /** One fresh exchange on `gateway` (outside the loop); its label. */
  async probe(gateway: number): Promise<string> {
    await this.fresh(gateway, false);
    return this.samples[this.samples.length - 1].label;
  }

  private async fresh(gateway: number, strict: boolean): Promise<void> {
    const code = await this.o.sim.issueCode(DEMO_WECHAT_APP.appId, `u${this.codesIssued.size}`);
    this.codesIssued.add(code);
    if (strict) this.strictCodes.add(code);
    const body = signedBody(
      strict
        ? { code, mchNo: STRICT_MERCHANT.mchNo }
        : { code, mchNo: DEMO_MERCHANT.mchNo, appId: DEMO_MERCHANT.appId },
    );
    const id = this.bodies.push({ body, code, strict, accepted: 0 }) - 1;
    await this.send('fresh', gateway, id);
  }

  private async repeat(gateway: number): Promise<void> {
    const codes = [...this.answered.keys()].filter((c) => !this.strictCodes.has(c));
    if (codes.length === 0) return;
    const code = codes[Math.floor(Math.random() * codes.length)];
    const body = signedBody({ code, mchNo: DEMO_MERCHANT.mchNo, appId: DEMO_MERCHANT.appId });
    const id = this.bodies.push({ body, code, strict: false, accepted: 0 }) - 1;
    await this.send('repeat', gateway, id);
  }

  private async retry(gateway: number, strict: boolean): Promise<void> {
    const candidates = this.bodies.map((b, i) => [b, i] as const).filter(([b]) => b.strict === strict);
    if (candidates.length === 0) return;
    const [, id] = candidates[Math.floor(Math.random() * candidates.length)];
    await this.send(strict ? 'retry-strict' : 'retry-answer', gateway, id);
  }

  private async send(kind: RequestKind, gateway: number, bodyId: number): Promise<void> {
    const sent = this.bodies[bodyId];
    const start = Date.now();
    let label: string;
    let openId: string | undefined;
    try {
      const res = await fetch(`${this.o.gateways[gateway].baseUrl}/unipay/assist/getWxAccessToken`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(sent.body),
        signal: AbortSignal.timeout(this.o.requestTimeoutMs),
      });
      const json = (await res.json().catch(() => undefined)) as
        { code?: number; data?: { code?: number; openId?: string; wxErrcode?: number } } | undefined;
      if (!json) label = `http${res.status}`;
      else if (json.code !== 0) label = `E${json.code}`;
      else if (json.data?.code === 0) {
        label = 'ok';
        openId = json.data.openId;
      } else label = `wx${json.data?.wxErrcode ?? json.data?.code}`;
    } catch {
      label = 'network';
    }
    const end = Date.now();
    if (label === 'ok') {
      sent.accepted++;
      // The first ok of a code fixes its openId; any later answer must agree.
      if (openId && !this.answered.has(sent.code)) this.answered.set(sent.code, openId);
      if (sent.firstOk === undefined) sent.firstOk = openId;
    }
    this.samples.push({ kind, gateway, start, end, label, code: sent.code, openId, bodyId });
  }

  /** Bodies of the strict merchant accepted more than once (must be none). */
  strictAcceptedTwice(): number {
    return this.bodies.filter((b) => b.strict && b.accepted > 1).length;
  }

  /** Answers (ok) whose openId differs from the first one that code got (must be none). */
  identityMismatches(): number {
    return this.samples.filter((s) => s.label === 'ok' && s.code && s.openId !== this.answered.get(s.code)).length;
  }
}

export interface FailoverFigures {
  requests: number;
  byLabel: Record<string, number>;
  byKind: Record<string, Record<string, number>>;
  /** Longest stretch (ms) in which every answer was STORE_UNAVAILABLE, from its first start to its last end. */
  longestStoreUnavailableMs: number;
  /** Per gateway: ms from the kill to its last answer that was not ok for a fresh code (0: never failed). */
  recoveredAfterKillMs: number[];
  /** Answers naming a spent code (40163): a code exchanged twice with WeChat. */
  codeSpentTwice: number;
  /** Per second from the kill (negative: before): `ok/failed` counts, e.g. `{"-1": "40/0", "0": "12/30"}`. */
  timeline: Record<string, string>;
}

export function summarize(load: FailoverLoad, killedAt: number, gatewayCount: number): FailoverFigures {
  const samples = [...load.samples].sort((a, b) => a.end - b.end);
  const byLabel: Record<string, number> = {};
  const byKind: Record<string, Record<string, number>> = {};
  for (const s of samples) {
    byLabel[s.label] = (byLabel[s.label] ?? 0) + 1;
    byKind[s.kind] ??= {};
    byKind[s.kind][s.label] = (byKind[s.kind][s.label] ?? 0) + 1;
  }
  const unavailable = `E${AssistErrorCode.STORE_UNAVAILABLE}`;
  let longest = 0;
  let runStart: number | undefined;
  for (const s of samples) {
    if (s.label === unavailable) {
      runStart ??= s.start;
      longest = Math.max(longest, s.end - runStart);
    } else if (s.label === 'ok') {
      runStart = undefined;
    }
  }
  const recoveredAfterKillMs = Array.from({ length: gatewayCount }, (_, g) => {
    const failures = samples.filter(
      (s) => s.gateway === g && s.kind === 'fresh' && s.label !== 'ok' && s.end >= killedAt,
    );
    return failures.length === 0 ? 0 : Math.max(...failures.map((s) => s.end)) - killedAt;
  });
  const buckets = new Map<number, [number, number]>();
  for (const s of samples) {
    const second = Math.floor((s.end - killedAt) / 1000);
    const b = buckets.get(second) ?? [0, 0];
    if (s.label === 'ok' || s.label === 'E10007') b[0]++;
    else b[1]++;
    buckets.set(second, b);
  }
  const timeline = Object.fromEntries(
    [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([k, [ok, bad]]) => [String(k), `${ok}/${bad}`]),
  );
  return {
    timeline,
    requests: samples.length,
    byLabel,
    byKind,
    longestStoreUnavailableMs: longest,
    recoveredAfterKillMs,
    codeSpentTwice: samples.filter((s) => s.label === 'wx40163').length,
  };
}
