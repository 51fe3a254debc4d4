import { Test } from '@nestjs/testing';
import { CodeExchangeService, UpstreamExchange } from '../../src/exchange/code-exchange.service';
import { ExchangeCache } from '../../src/exchange/exchange.cache';
import { exchangeKey, openExchange, sealExchange } from '../../src/exchange/exchange-key';
import { sealingKey } from '../../src/kernel/seal';
import { EXCHANGE_OPTIONS, ExchangeOptions, resolveExchangeOptions } from '../../src/exchange/exchange.options';
import { AssistException } from '../../src/kernel/assist.exception';
import { AssistLogger } from '../../src/kernel/assist.logger';
import { AssistMetrics } from '../../src/kernel/assist.metrics';
import { AssistErrorCode } from '../../../wire/src/error-codes';
import { WechatExchangeResult } from '../../src/wechat/wechat-exchange-result';
import { RecordingLogger, RecordingMetrics } from '../../../../test/support/fakes';

/** The merchant and use the fake's answers are for (exchangeScope's shape). */
const SCOPE = 'M1\u0000A1\u0000direct';

const APP = { appId: 'wx0unit0exchange', appSecret: 'unit-wechat-secret' };
const TOKEN = { openId: 'oUNIT', accessToken: 'AT_UNIT', expiresIn: 7200 };
const OK: WechatExchangeResult = { ok: true, token: TOKEN };
const REFUSED: WechatExchangeResult = {
  ok: false,
  errcode: 40029,
  reason: 'the OAuth code is invalid (WeChat errcode 40029)',
};

/**
 * An ExchangeCache in two Maps that records every call; `heldElsewhere` plays
 * another instance holding the claim, `peerStoresAfterReads` one that stores
 * its result while this one waits.
 */
class FakeExchangeCache implements ExchangeCache {
  readonly results = new Map<string, string>();
  readonly claims = new Map<string, string>();
  readonly log: string[] = [];
  readonly ttls: number[] = [];
  heldElsewhere = false;
  peerStoresAfterReads?: { reads: number; value: string };
  private reads = 0;

  async get(key: string): Promise<string | undefined> {
    this.log.push('get');
    this.reads++;
    const peer = this.peerStoresAfterReads;
    if (peer && this.reads > peer.reads) this.results.set(key, peer.value);
    return this.results.get(key);
  }
  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.log.push('set');
    this.ttls.push(ttlMs);
    this.results.set(key, value);
  }
  async claim(key: string, owner: string): Promise<boolean> {
    this.log.push('claim');
    if (this.heldElsewhere || this.claims.has(key)) return false;
    this.claims.set(key, owner);
    return true;
  }
  async release(key: string, owner: string): Promise<void> {
    this.log.push('release');
    if (this.claims.get(key) === owner) this.claims.delete(key);
  }
}

/** The channel's one call, answered when the test says (a deferred), counting calls. */
class FakeUpstream implements UpstreamExchange {
  readonly app = APP;
  readonly scope = SCOPE;
  readonly base = 'http://wechat.test';
  calls = 0;
  private pending: Array<(r: WechatExchangeResult | Error) => void> = [];
  /** When set, each call answers at once with it. */
  immediate?: WechatExchangeResult | Error;

  call(): Promise<WechatExchangeResult> {
    this.calls++;
    if (this.immediate)
      return this.immediate instanceof Error ? Promise.reject(this.immediate) : Promise.resolve(this.immediate);
    return new Promise((resolve, reject) => this.pending.push((r) => (r instanceof Error ? reject(r) : resolve(r))));
  }

  /** Answers the calls waiting so far. */
  answer(r: WechatExchangeResult | Error): void {
    for (const done of this.pending.splice(0)) done(r);
  }
}

/** Lets pending promise callbacks run (no timers involved). */
const settle = () => new Promise<void>((r) => setImmediate(r));

describe('CodeExchangeService (unit: fake ExchangeCache and upstream, recording logger and metrics)', () => {
  let cache: FakeExchangeCache;
  let upstream: FakeUpstream;
  let logger: RecordingLogger;
  let metrics: RecordingMetrics;

  async function build(options: ExchangeOptions = {}): Promise<CodeExchangeService> {
    const moduleRef = await Test.createTestingModule({
      providers: [
        CodeExchangeService,
        { provide: ExchangeCache, useValue: cache },
        { provide: AssistLogger, useValue: logger },
        { provide: AssistMetrics, useValue: metrics },
        // retryDelayMs 0: no timer stands between a failure and its retry.
        { provide: EXCHANGE_OPTIONS, useValue: resolveExchangeOptions({ retryDelayMs: 0, ...options }, 5000) },
      ],
    }).compile();
    return moduleRef.get(CodeExchangeService);
  }

  beforeEach(() => {
    cache = new FakeExchangeCache();
    upstream = new FakeUpstream();
    logger = new RecordingLogger();
    metrics = new RecordingMetrics();
  });

  it('single-flight: concurrent requests for one code share one upstream call and one answer', async () => {
    const service = await build();
    const all = Promise.all([1, 2, 3].map((i) => service.exchange(upstream, 'CODE-A', `T${i}`)));
    await settle();
    expect(upstream.calls).toBe(1);
    upstream.answer(OK);
    const outcomes = await all;
    expect(outcomes.map((o) => o.source)).toEqual(['wechat', 'joined', 'joined']);
    for (const o of outcomes) expect(o.result).toEqual(OK);
    expect(service.stats).toMatchObject({ upstreamCalls: 1, joined: 2, cacheHits: 0 });
  });

  it('different codes do not share a flight', async () => {
    const service = await build();
    upstream.immediate = OK;
    await Promise.all([service.exchange(upstream, 'CODE-A', 'T'), service.exchange(upstream, 'CODE-B', 'T')]);
    expect(upstream.calls).toBe(2);
  });

  it('a success is cached (sealed, for at most the token’s life) and the next request is a cache hit without a call', async () => {
    const service = await build();
    upstream.immediate = { ok: true, token: { ...TOKEN, expiresIn: 60 } };
    const first = await service.exchange(upstream, 'CODE-A', 'T1');
    const again = await service.exchange(upstream, 'CODE-A', 'T2');
    expect([first.source, again.source]).toEqual(['wechat', 'cache']);
    expect(again.result).toMatchObject({ ok: true, token: { openId: 'oUNIT', accessToken: 'AT_UNIT' } });
    expect(upstream.calls).toBe(1);
    expect(service.stats.cacheHits).toBe(1);
    // min(5 min cache, 60 s token)
    expect(cache.ttls).toEqual([60_000]);
    const key = exchangeKey(APP.appId, 'CODE-A', SCOPE);
    const sealed = cache.results.get(key)!;
    expect(sealed).not.toMatch(/AT_UNIT|oUNIT|CODE-A/);
    expect(openExchange(sealed, sealingKey(APP.appId, APP.appSecret), key)).toMatchObject({
      openId: 'oUNIT',
      accessToken: 'AT_UNIT',
    });
  });

  it('the code digest is 12 hex characters of the key, the same on every answer, never the code', async () => {
    const service = await build();
    upstream.immediate = OK;
    const a = await service.exchange(upstream, 'CODE-A', 'T');
    const b = await service.exchange(upstream, 'CODE-A', 'T');
    expect(a.codeDigest).toMatch(/^[0-9a-f]{12}$/);
    expect(b.codeDigest).toBe(a.codeDigest);
    expect(exchangeKey(APP.appId, 'CODE-A', SCOPE)).toContain(a.codeDigest);
  });

  it('only successes are cached: a refusal is answered as is and the next request calls again', async () => {
    const service = await build();
    upstream.immediate = REFUSED;
    expect((await service.exchange(upstream, 'CODE-A', 'T1')).result).toEqual(REFUSED);
    expect((await service.exchange(upstream, 'CODE-A', 'T2')).source).toBe('wechat');
    expect(upstream.calls).toBe(2);
    expect(cache.log).not.toContain('set');
  });

  it('an upstream error is not cached either, and the claim is released', async () => {
    const service = await build();
    upstream.immediate = new AssistException(AssistErrorCode.UPSTREAM_TIMEOUT, 'WeChat did not answer in time');
    await expect(service.exchange(upstream, 'CODE-A', 'T')).rejects.toMatchObject({
      code: AssistErrorCode.UPSTREAM_TIMEOUT,
    });
    expect(cache.log).toEqual(['get', 'claim', 'get', 'release']);
    expect(cache.claims.size).toBe(0);
    // A timeout is not retried: the call may have spent the code.
    expect(upstream.calls).toBe(1);
  });

  it('reads, claims, reads again (a late peer), calls, stores, releases: in that order', async () => {
    const service = await build();
    upstream.immediate = OK;
    await service.exchange(upstream, 'CODE-A', 'T');
    expect(cache.log).toEqual(['get', 'claim', 'get', 'set', 'release']);
  });

  it('a claim held elsewhere: 29306 once waitMs is spent, without calling upstream (waitMs 1: no pause fits)', async () => {
    const service = await build({ waitMs: 1 });
    cache.heldElsewhere = true;
    const err = await service.exchange(upstream, 'CODE-A', 'T1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AssistException);
    expect(err).toMatchObject({ code: AssistErrorCode.EXCHANGE_IN_PROGRESS });
    expect(upstream.calls).toBe(0);
    expect(cache.log).toEqual(['get', 'claim']);
    expect(logger.lines).toEqual([
      {
        level: 'log',
        traceId: 'T1',
        event: 'exchange.waiting',
        fields: { code: expect.stringMatching(/^[0-9a-f]{12}$/) },
      },
    ]);
  });

  it("a claim held elsewhere whose holder stores its result while we wait: the peer's answer, no call", async () => {
    const service = await build({ waitMs: 5_000 });
    const key = exchangeKey(APP.appId, 'CODE-A', SCOPE);
    cache.heldElsewhere = true;
    cache.peerStoresAfterReads = {
      reads: 1,
      value: sealExchange(
        { openId: 'oPEER', accessToken: 'AT_PEER', expiresAt: Date.now() + 60_000 },
        sealingKey(APP.appId, APP.appSecret),
        key,
      ),
    };
    const out = await service.exchange(upstream, 'CODE-A', 'T');
    expect(out.source).toBe('peer');
    expect(out.result).toMatchObject({ ok: true, token: { openId: 'oPEER', accessToken: 'AT_PEER' } });
    expect(upstream.calls).toBe(0);
    expect(service.stats.peerResults).toBe(1);
  });

  it('a cached value sealed with another AppSecret (rotated) is a miss, not an answer', async () => {
    const service = await build();
    const key = exchangeKey(APP.appId, 'CODE-A', SCOPE);
    cache.results.set(
      key,
      sealExchange(
        { openId: 'oOLD', accessToken: 'AT_OLD', expiresAt: Date.now() + 60_000 },
        sealingKey(APP.appId, 'old-secret'),
        key,
      ),
    );
    upstream.immediate = OK;
    expect((await service.exchange(upstream, 'CODE-A', 'T')).result).toEqual(OK);
    expect(upstream.calls).toBe(1);
  });

  it('a failed cache write still answers with the token in hand (logged), only the retry loses idempotency', async () => {
    const service = await build();
    upstream.immediate = OK;
    jest.spyOn(cache, 'set').mockRejectedValueOnce(new AssistException(AssistErrorCode.STORE_UNAVAILABLE, 'down'));
    await expect(service.exchange(upstream, 'CODE-A', 'T')).resolves.toMatchObject({ source: 'wechat', result: OK });
    expect(logger.events()).toContain('exchange.cache_write_failed');
  });

  it('counts each upstream call by outcome', async () => {
    const service = await build();
    upstream.immediate = OK;
    await service.exchange(upstream, 'CODE-A', 'T');
    upstream.immediate = REFUSED;
    await service.exchange(upstream, 'CODE-B', 'T');
    expect(metrics.calls.filter((c) => c[0] === 'upstreamCall')).toEqual([
      ['upstreamCall', 'ok', undefined],
      ['upstreamCall', 'errcode', 40029],
    ]);
  });

  it('retries a connection failure once (retryDelayMs 0) and answers the retry', async () => {
    const service = await build();
    let n = 0;
    const flaky: UpstreamExchange = {
      app: APP,
      scope: SCOPE,
      base: 'http://wechat.test',
      call: async () => {
        if (n++ === 0)
          throw new AssistException(AssistErrorCode.UPSTREAM_UNREACHABLE, 'WeChat is unreachable (ECONNRESET)');
        return OK;
      },
    };
    await expect(service.exchange(flaky, 'CODE-A', 'T')).resolves.toMatchObject({ result: OK, source: 'wechat' });
    expect(service.stats.upstreamCalls).toBe(2);
    expect(logger.events()).toContain('wechat.retry');
  });

  it('opens the host’s circuit after breakerThreshold failed calls: then 29305 at once, no call, reported in breakerStates', async () => {
    const service = await build({ breakerThreshold: 2, breakerHalfOpenMs: 60_000 });
    upstream.immediate = new AssistException(AssistErrorCode.UPSTREAM_HTTP_ERROR, 'WeChat answered HTTP 503');
    for (const code of ['C1', 'C2'])
      await expect(service.exchange(upstream, code, 'T')).rejects.toMatchObject({ code: 29304 });
    expect(service.breakerStates()).toEqual({ 'wechat.test': 'open' });
    await expect(service.exchange(upstream, 'C3', 'T')).rejects.toMatchObject({
      code: AssistErrorCode.UPSTREAM_CIRCUIT_OPEN,
    });
    expect(upstream.calls).toBe(2);
    expect(service.stats.circuitRejections).toBe(1);
    expect(metrics.calls.filter((c) => c[0] === 'breakerState')).toEqual([
      ['breakerState', 'wechat.test', 'closed'],
      ['breakerState', 'wechat.test', 'open'],
    ]);
    expect(logger.events()).toEqual(expect.arrayContaining(['wechat.circuit_open', 'wechat.circuit_rejected']));
  });
});
