import { Inject, Injectable, Optional } from '@nestjs/common';
import { IPolicy } from 'cockatiel';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AssistException } from '../kernel/assist.exception';
import { AssistErrorCode } from '@unipay-assist/wire';
import { newTraceId } from '../kernel/trace-id';
import { AssistMetrics, BreakerState, UpstreamChannel } from '../kernel/assist.metrics';
import { AssistLogger } from '../kernel/assist.logger';
import { WechatExchangeResult } from '../wechat/wechat-exchange-result';
import { CacheableExchange, ExchangeCodec } from './exchange-codec';

export type { CacheableExchange, ExchangeCodec } from './exchange-codec';
import { ExchangeCache } from './exchange.cache';
import { CachedExchange, exchangeKey, openExchange, sealExchange } from './exchange-key';
import { MemoryExchangeCache } from './memory-exchange.cache';
import { BOUND_IN_PROCESS, JsonSeal, SEALED, sealingKey } from '../kernel/seal';
import { InjectExchangeOptions, ResolvedExchangeOptions } from './exchange.options';
import { circuitOpenError, createWechatCallPolicy } from './wechat-call.policy';

/** Where an answer came from: a call to WeChat, this instance's cache, a concurrent identical request, or another instance. */
export type ExchangeSource = 'wechat' | 'cache' | 'joined' | 'peer';

export interface ExchangeOutcome<R = WechatExchangeResult> {
  result: R;
  source: ExchangeSource;
  /** 12 hex characters of the code's SHA-256 (from the cache key): for log lines, never the code. */
  codeDigest: string;
}

/**
 * The one upstream call an exchange may make: the feature that owns the
 * channel (WeChat web, mini program, Alipay) supplies it, so this service
 * knows keys, claims and policies but no channel.
 */
export interface UpstreamExchange<R extends { ok: boolean } = WechatExchangeResult> {
  /** The channel app the code belongs to: part of the cache key, and its secret seals cached results. */
  app: { appId: string; appSecret: string };
  /**
   * Who may read the answer (exchangeScope: the merchant, and direct use or
   * one hosted flow): part of the cache key, so no other merchant, and no
   * other use, is ever answered from this exchange.
   */
  scope: string;
  /** The upstream base URL: one retry/breaker policy per host. */
  base: string;
  call(): Promise<R>;
  /** How the channel's answers are cached. Default: WeChat's web token, which is the cached shape already. */
  codec?: ExchangeCodec<R>;
  /**
   * Whether a connection failure (29301) or errcode -1 gets the one retry.
   * Default true; Alipay passes false, its SDK (urllib) already retries a
   * failed connection once.
   */
  retry?: boolean;
  /** The channel as a 29305 message names it. Default `WeChat`. */
  channel?: string;
  /** The `channel` label of the upstream-call metric. Default `wechat`. */
  metricChannel?: UpstreamChannel;
  /**
   * A channel whose calls must not share a breaker with others on the same
   * host (Douyin: its own breaker even behind one proxy or simulator).
   * Default: one breaker per host and retry rule.
   */
  breaker?: string;
}

/** A success in the shape the sealed cache keeps (openId, access token, lifetime). */
/** WeChat's web token is cached as it is. */
const WECHAT_WEB_CODEC: ExchangeCodec<WechatExchangeResult> = {
  toCached: (r) => (r.ok ? r : undefined),
  fromCached: (c) => c,
};

/** Counters for tests and metrics. */
export interface ExchangeStats {
  /** Calls made to WeChat (retries included). */
  upstreamCalls: number;
  cacheHits: number;
  joined: number;
  peerResults: number;
  circuitRejections: number;
}

/**
 * Exchanges a code once, however often it is asked. Concurrent identical
 * requests share one promise (single-flight); a success is cached (sealed)
 * for min(5 min, token life) so a retry gets the same answer instead of
 * WeChat's 40163; with Redis a `SET NX PX` claim lets only one instance call
 * WeChat while the others poll for its result, then give up with 29306.
 * Only successes are cached: a code error is answered as is, and a cached
 * success always wins over a later 40163.
 */
@Injectable()
export class CodeExchangeService {
  readonly stats: ExchangeStats = { upstreamCalls: 0, cacheHits: 0, joined: 0, peerResults: 0, circuitRejections: 0 };
  /**
   * One circuit breaker per policy (upstream host and retry rule), with the
   * channels that call through it. WeChat web and the mini program call the
   * same API host with the same rule, so they share one breaker; Alipay's
   * (no relay retry) is its own even on a shared host.
   */
  private readonly breakers = new Map<string, { host: string; state: BreakerState; channels: Set<UpstreamChannel> }>();

  private readonly inflight = new Map<string, Promise<ExchangeOutcome<unknown>>>();
  private readonly policies = new Map<string, IPolicy>();
  private readonly waitMs: number;
  private readonly claimTtlMs: number;
  private readonly cacheTtlMs: number;
  private readonly retryDelayMs: number;
  private readonly breakerThreshold: number;
  private readonly breakerHalfOpenMs: number;
  /** Sealed for Redis and a host's cache; bound without the cipher in the module's memory cache. */
  private readonly seal: JsonSeal;

  constructor(
    @Inject(ExchangeCache) private readonly cache: ExchangeCache,
    private readonly logger: AssistLogger,
    @InjectExchangeOptions() options: ResolvedExchangeOptions,
    @Optional() @Inject(AssistMetrics) private readonly metrics?: AssistMetrics,
  ) {
    ({
      retryDelayMs: this.retryDelayMs,
      claimTtlMs: this.claimTtlMs,
      waitMs: this.waitMs,
      cacheTtlMs: this.cacheTtlMs,
      breakerThreshold: this.breakerThreshold,
      breakerHalfOpenMs: this.breakerHalfOpenMs,
    } = options);
    this.seal = cache instanceof MemoryExchangeCache ? BOUND_IN_PROCESS : SEALED;
  }

  async exchange<R extends { ok: boolean } = WechatExchangeResult>(
    upstream: UpstreamExchange<R>,
    code: string,
    traceId: string,
  ): Promise<ExchangeOutcome<R>> {
    const key = exchangeKey(upstream.app.appId, code, upstream.scope);
    // Keys carry the app id, and each channel's app ids are its own: one key never sees two result types.
    const running = this.inflight.get(key) as Promise<ExchangeOutcome<R>> | undefined;
    if (running) {
      this.stats.joined++;
      return running.then((o) => ({ ...o, source: 'joined' }));
    }
    const job = this.run(upstream, key, traceId)
      .then((o): ExchangeOutcome<R> => ({ ...o, codeDigest: digestOf(key) }))
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, job);
    return job;
  }

  private async run<R extends { ok: boolean }>(
    upstream: UpstreamExchange<R>,
    key: string,
    traceId: string,
  ): Promise<Omit<ExchangeOutcome<R>, 'codeDigest'>> {
    const codec = upstream.codec ?? (WECHAT_WEB_CODEC as unknown as ExchangeCodec<R>);
    const sealKey = sealingKey(upstream.app.appId, upstream.app.appSecret);
    const deadline = Date.now() + this.waitMs;
    let pause = 20;
    let waited = false;
    for (;;) {
      const owner = randomUUID();
      // Where the cache can, the claim and the stored result in one round trip; else the result, then the claim.
      const found = this.cache.claimThenGet ? await this.cache.claimThenGet(key, owner, this.claimTtlMs) : undefined;
      const cached = found ? this.opened(found.value, key, sealKey) : await this.read(key, sealKey);
      if (cached) {
        // Claimed alongside a stored result: nothing to run, give the claim back (its ttl ends it anyway).
        if (found?.won) void this.cache.release(key, owner).catch(() => undefined);
        if (waited) this.stats.peerResults++;
        else this.stats.cacheHits++;
        return {
          result: codec.fromCached(cachedResult(cached) as CacheableExchange),
          source: waited ? 'peer' : 'cache',
        };
      }
      if (found ? found.won : await this.cache.claim(key, owner, this.claimTtlMs)) {
        try {
          // A holder may have stored its result between our read and claim (claimThenGet read after its claim).
          const late = found ? undefined : await this.read(key, sealKey);
          if (late) {
            this.stats.peerResults++;
            return { result: codec.fromCached(cachedResult(late) as CacheableExchange), source: 'peer' };
          }
          const result = await this.call(upstream, traceId);
          const cacheable = codec.toCached(result);
          if (cacheable) await this.store(key, sealKey, cacheable, traceId);
          return { result, source: 'wechat' };
        } finally {
          await this.cache.release(key, owner).catch(() => undefined);
        }
      }
      // Another instance holds the claim: wait for its result, bounded.
      if (!waited) this.logger.log(traceId, 'exchange.waiting', { code: digestOf(key) });
      waited = true;
      if (Date.now() + pause > deadline) {
        throw new AssistException(
          AssistErrorCode.EXCHANGE_IN_PROGRESS,
          'this code is being exchanged by another request that has not finished; retry shortly',
        );
      }
      await sleep(pause);
      pause = Math.min(pause * 2, 200);
    }
  }

  private async call<R extends { ok: boolean }>(upstream: UpstreamExchange<R>, traceId: string): Promise<R> {
    const policy = this.policyFor(
      upstream.base,
      upstream.retry ?? true,
      upstream.metricChannel ?? 'wechat',
      upstream.breaker,
    );
    let attempt = 0;
    try {
      return await policy.execute(() => {
        this.stats.upstreamCalls++;
        if (attempt++ > 0) this.logger.warn(traceId, 'wechat.retry', { host: hostOf(upstream.base) });
        return this.timed(() => upstream.call(), upstream.metricChannel ?? 'wechat');
      });
    } catch (err) {
      const mapped = circuitOpenError(err, upstream.channel);
      if (mapped !== err) {
        this.stats.circuitRejections++;
        this.logger.warn(traceId, 'wechat.circuit_rejected', { host: hostOf(upstream.base) });
      }
      throw mapped;
    }
  }

  private async read(key: string, sealKey: Buffer): Promise<CachedExchange | undefined> {
    return this.opened(await this.cache.get(key), key, sealKey);
  }

  /** A stored result that opens with this app's key for this key and has not lapsed. */
  private opened(sealed: string | undefined, key: string, sealKey: Buffer): CachedExchange | undefined {
    if (sealed === undefined) return undefined;
    const value = openExchange(sealed, sealKey, key, this.seal);
    return value && value.expiresAt > Date.now() ? value : undefined;
  }

  private async store(
    key: string,
    sealKey: Buffer,
    result: WechatExchangeResult & { ok: true },
    traceId: string,
  ): Promise<void> {
    // Never outlive the access token, nor the code's own 5 minutes.
    const ttlMs = Math.min(this.cacheTtlMs, result.token.expiresIn * 1000);
    const { openId, accessToken, unionId, snapshotUser } = result.token;
    // unionId and the snapshot flag are cached too, so a retried code gets the same identity.
    const value: CachedExchange = { openId, accessToken, expiresAt: Date.now() + ttlMs, unionId, snapshotUser };
    try {
      await this.cache.set(key, sealExchange(value, sealKey, key, this.seal), ttlMs);
    } catch {
      // The token is in hand: answer with it; only a later retry loses idempotency.
      this.logger.warn(traceId, 'exchange.cache_write_failed', {});
    }
  }

  /**
   * The breaker state of each upstream host called so far, every channel
   * together (health's `wechatBreaker`). Two breakers on one host (Alipay's
   * and WeChat's, when one simulator serves both) report the worse state.
   */
  breakerStates(): Record<string, BreakerState> {
    const out: Record<string, BreakerState> = {};
    for (const { host, state } of this.breakers.values()) {
      const seen = out[host];
      if (seen === undefined || BREAKER_SEVERITY[state] > BREAKER_SEVERITY[seen]) out[host] = state;
    }
    return out;
  }

  /**
   * Per channel that has called upstream, the state of the breaker its calls
   * go through, per host (health's `breakers`): `wechat` and `wechat_mini`
   * show the same breaker of WeChat's API host.
   */
  breakerStatesByChannel(): Partial<Record<UpstreamChannel, Record<string, BreakerState>>> {
    const out: Partial<Record<UpstreamChannel, Record<string, BreakerState>>> = {};
    for (const { host, state, channels } of this.breakers.values()) {
      for (const channel of channels) out[channel] = { ...out[channel], [host]: state };
    }
    return out;
  }

  /** One WeChat call, timed for the metrics. */
  private async timed<R extends { ok: boolean }>(call: () => Promise<R>, channel: UpstreamChannel): Promise<R> {
    const started = performance.now();
    const seconds = (): number => (performance.now() - started) / 1000;
    try {
      const result = await call();
      // A refusal: WeChat's carry an errcode, Alipay's a sub_code (not a number, left out of the label).
      const errcode = (result as { errcode?: unknown }).errcode;
      if (result.ok) this.metrics?.upstreamCall(seconds(), 'ok', undefined, channel);
      else this.metrics?.upstreamCall(seconds(), 'errcode', typeof errcode === 'number' ? errcode : undefined, channel);
      return result;
    } catch (err) {
      this.metrics?.upstreamCall(
        seconds(),
        err instanceof AssistException ? err.code : AssistErrorCode.INTERNAL,
        undefined,
        channel,
      );
      throw err;
    }
  }

  private setBreaker(policyKey: string, host: string, state: BreakerState): void {
    const breaker = this.breakers.get(policyKey);
    if (breaker) breaker.state = state;
    else this.breakers.set(policyKey, { host, state, channels: new Set() });
    this.metrics?.breakerState(host, state);
  }

  /** One policy (retry + breaker) per upstream host (and retry rule); `channel` is recorded as one of its callers. */
  private policyFor(apiBase: string, retry: boolean, channel: UpstreamChannel, breaker?: string): IPolicy {
    const host = hostOf(apiBase);
    const policyKey = `${retry ? host : `${host} no-retry`}${breaker ? ` ${breaker}` : ''}`;
    let policy = this.policies.get(policyKey);
    if (!policy) {
      let outage = '';
      policy = createWechatCallPolicy(
        {
          retryDelayMs: this.retryDelayMs,
          breakerThreshold: this.breakerThreshold,
          breakerHalfOpenMs: this.breakerHalfOpenMs,
          retry,
        },
        {
          onBreak: () => {
            this.setBreaker(policyKey, host, 'open');
            outage = newTraceId();
            this.logger.error(outage, 'wechat.circuit_open', { host, halfOpenAfterMs: this.breakerHalfOpenMs });
          },
          onHalfOpen: () => {
            this.setBreaker(policyKey, host, 'half-open');
            this.logger.log(outage, 'wechat.circuit_half_open', { host });
          },
          onReset: () => {
            this.setBreaker(policyKey, host, 'closed');
            this.logger.log(outage, 'wechat.circuit_closed', { host });
            outage = '';
          },
        },
      );
      this.policies.set(policyKey, policy);
      this.setBreaker(policyKey, host, 'closed');
    }
    this.breakers.get(policyKey)?.channels.add(channel);
    return policy;
  }
}

/** Which state a host reports when two breakers on it disagree. */
const BREAKER_SEVERITY: Readonly<Record<BreakerState, number>> = { closed: 0, 'half-open': 1, open: 2 };

function cachedResult(c: CachedExchange): WechatExchangeResult {
  return {
    ok: true,
    token: {
      openId: c.openId,
      accessToken: c.accessToken,
      expiresIn: Math.max(1, Math.floor((c.expiresAt - Date.now()) / 1000)),
      ...(c.unionId !== undefined && { unionId: c.unionId }),
      ...(c.snapshotUser && { snapshotUser: true }),
    },
  };
}

/** The 12-hex digest WechatRelayService logs for a code (the key's SHA-256, truncated). */
function digestOf(key: string): string {
  return key.slice(key.lastIndexOf(':') + 1, key.lastIndexOf(':') + 13);
}

function hostOf(base: string): string {
  try {
    return new URL(base).host;
  } catch {
    return base;
  }
}
