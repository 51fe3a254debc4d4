import { Type } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { AssistLogger, LogFields } from '../../packages/unipay-assist/src/kernel/assist.logger';
import { AssistMetrics, BreakerState, ExchangeReuse } from '../../packages/unipay-assist/src/kernel/assist.metrics';
import { Merchant, MerchantInput, MerchantQuery } from '../../packages/unipay-assist/src/merchants/merchant';
import { MerchantProvider } from '../../packages/unipay-assist/src/merchants/merchant.provider';
import { normalizeMerchant } from '../../packages/unipay-assist/src/merchants/normalize-merchant';
import { MemoryReplayStore } from '../../packages/unipay-assist/src/replay/memory-replay.store';
import { ReplayStore } from '../../packages/unipay-assist/src/replay/replay.store';

/*
 * In-memory stand-ins for the unit layer: each records what it was asked, so
 * a spec asserts the calls (and their order) instead of reading logs or ports.
 */

export interface LoggedLine {
  level: 'log' | 'warn' | 'error';
  traceId: string;
  event: string;
  fields: LogFields;
}

/** An AssistLogger that keeps its lines (event and fields as passed, before formatting). */
export class RecordingLogger extends AssistLogger {
  readonly lines: LoggedLine[] = [];

  override log(traceId: string, event: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'log', traceId, event, fields });
  }
  override warn(traceId: string, event: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'warn', traceId, event, fields });
  }
  override error(traceId: string, event: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'error', traceId, event, fields });
  }

  events(): string[] {
    return this.lines.map((l) => l.event);
  }
}

export type MetricCall =
  | ['request', string, number]
  | ['upstreamCall', 'ok' | 'errcode' | number, number | undefined]
  | ['exchangeReused', ExchangeReuse]
  | ['replayRejected']
  | ['breakerState', string, BreakerState];

/** AssistMetrics that keeps every call in order (durations are dropped: nothing here asserts time). */
export class RecordingMetrics implements AssistMetrics {
  readonly calls: MetricCall[] = [];
  request(route: string, code: number): void {
    this.calls.push(['request', route, code]);
  }
  upstreamCall(_seconds: number, outcome: 'ok' | 'errcode' | number, errcode?: number): void {
    this.calls.push(['upstreamCall', outcome, errcode]);
  }
  exchangeReused(source: ExchangeReuse): void {
    this.calls.push(['exchangeReused', source]);
  }
  replayRejected(): void {
    this.calls.push(['replayRejected']);
  }
  breakerState(host: string, state: BreakerState): void {
    this.calls.push(['breakerState', host, state]);
  }
  // Not recorded: the suites about replayed answers and Redis errors count them with fakes of their own.
  replayAnswered(): void {}
  redisError(): void {}
}

/** One call a store received: its method and arguments. */
export interface StoreCall {
  method: string;
  args: unknown[];
}

/**
 * The real MemoryReplayStore (whatever its methods), recording every call:
 * a spec asserts which keys were claimed, with which ttl, and that a refused
 * request never reached the store.
 */
export class RecordingReplayStore {
  readonly calls: StoreCall[] = [];
  readonly store: ReplayStore;
  /** When set, every call rejects with it (a store that is down). */
  failWith?: Error;

  constructor(inner: ReplayStore = new MemoryReplayStore()) {
    this.store = new Proxy(inner, {
      get: (target, prop, receiver) => {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function' || typeof prop !== 'string') return value;
        return (...args: unknown[]) => {
          this.calls.push({ method: prop, args });
          // The memory store's synchronous core (claimSync, beginSync ...) fails as a down store would: at once.
          if (this.failWith && prop.endsWith('Sync')) throw this.failWith;
          if (this.failWith) return Promise.reject(this.failWith);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }

  /** Every claim of a key (strict `claim` or answer-mode `begin`, or their synchronous forms): its key and ttl. */
  claims(): Array<{ key: string; ttlMs: number }> {
    const sync = (m: string) => m === 'claimSync' || m === 'beginSync';
    return this.calls
      .filter((c) => c.method === 'claim' || c.method === 'begin' || sync(c.method))
      .map((c) => ({
        key: c.args[0] as string,
        // The synchronous forms take the clock last, after the ttl.
        ttlMs: c.args[c.args.length - (sync(c.method) ? 2 : 1)] as number,
      }));
  }
}

/** Merchants by mchNo/appId (the first is the default), recording each query. */
export class FakeMerchants implements MerchantProvider {
  readonly queries: MerchantQuery[] = [];

  constructor(private readonly merchants: readonly Merchant[]) {}

  findMerchant(query: MerchantQuery): Merchant | undefined {
    this.queries.push({ ...query });
    const { mchNo, appId } = query;
    if (!mchNo && !appId) return this.merchants[0];
    return this.merchants.find((m) => (!mchNo || m.mchNo === mchNo) && (!appId || m.appId === appId));
  }
}

/** A validated merchant, with the same defaults as configured ones. */
export function merchant(input: MerchantInput): Merchant {
  return normalizeMerchant(input, 0);
}

/** The request shape the guard and filters read (both adapters' requests have these). */
export interface FakeRequest {
  url?: string;
  originalUrl?: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** A JSON POST as the body parser leaves it. */
export function jsonRequest(body: unknown, url = '/unipay/assist/getWxAuthUrl'): FakeRequest {
  return { url, headers: { 'content-type': 'application/json' }, body };
}

/** An HTTP ExecutionContext for `handler` of `controller`, as Nest builds one per request. */
export function httpContext(
  req: object,
  controller?: Type<unknown>,
  handler?: (...args: never[]) => unknown,
  res: object = {},
): ExecutionContextHost {
  const context = new ExecutionContextHost([req, res, () => undefined], controller ?? null, handler ?? null);
  context.setType('http');
  return context;
}
