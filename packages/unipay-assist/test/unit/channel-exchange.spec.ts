import { ALIPAY_EXCHANGE_CODEC } from '../../src/alipay/alipay-exchange-codec';
import { AlipayExchangeResult } from '../../src/alipay/alipay-exchange-result';
import { CodeExchangeService, UpstreamExchange } from '../../src/exchange/code-exchange.service';
import { exchangeKey, openExchange } from '../../src/exchange/exchange-key';
import { BOUND_IN_PROCESS, sealingKey } from '../../src/kernel/seal';
import { ExchangeCache } from '../../src/exchange/exchange.cache';
import { resolveExchangeOptions } from '../../src/exchange/exchange.options';
import { MemoryExchangeCache } from '../../src/exchange/memory-exchange.cache';
import { AssistException } from '../../src/kernel/assist.exception';
import { AssistErrorCode } from '../../../wire/src/error-codes';
import { RecordingLogger } from '../../../../test/support/fakes';

const APP = {
  appId: 'alipay:2021000000000001',
  appSecret: '-----BEGIN PRIVATE KEY-----\nunit\n-----END PRIVATE KEY-----',
};

function service<C extends ExchangeCache = MemoryExchangeCache>(
  cache: C = new MemoryExchangeCache() as unknown as C,
): { svc: CodeExchangeService; cache: C } {
  const svc = new CodeExchangeService(
    cache,
    new RecordingLogger(),
    resolveExchangeOptions({ retryDelayMs: 0, breakerThreshold: 2, breakerHalfOpenMs: 60_000 }, 1000),
  );
  return { svc, cache };
}

function upstream(
  answers: (() => AlipayExchangeResult)[],
  retry = false,
): UpstreamExchange<AlipayExchangeResult> & { calls: number } {
  const u = {
    app: APP,
    scope: 'M1\u0000A1\u0000direct',
    base: 'http://alipay.test/gateway.do',
    retry,
    channel: 'Alipay',
    codec: ALIPAY_EXCHANGE_CODEC,
    calls: 0,
    call: async (): Promise<AlipayExchangeResult> => answers[Math.min(u.calls++, answers.length - 1)](),
  };
  return u;
}

describe('ALIPAY_EXCHANGE_CODEC', () => {
  it.each([[{ userId: '2088000000000001' }], [{ openId: '0AbC' }], [{ userId: '2088000000000001', openId: '0AbC' }]])(
    'round-trips the ids the app has (%j) and the token, with a fallback lifetime',
    (ids) => {
      const result: AlipayExchangeResult = { ok: true, accessToken: 'authbseBx', expiresIn: 0, ...ids };
      const cached = ALIPAY_EXCHANGE_CODEC.toCached(result)!;
      expect(cached.token.expiresIn).toBe(300);
      expect(ALIPAY_EXCHANGE_CODEC.fromCached(cached)).toEqual({
        ok: true,
        accessToken: 'authbseBx',
        expiresIn: 300,
        ...ids,
      });
    },
  );

  it('caches no refusal', () => {
    expect(
      ALIPAY_EXCHANGE_CODEC.toCached({ ok: false, code: '40002', subCode: 'isv.code-invalid', reason: 'r' }),
    ).toBeUndefined();
  });
});

describe('CodeExchangeService with a channel codec and no retry', () => {
  it('caches an Alipay success bound to the app key, and answers it again without a call', async () => {
    const { svc, cache } = service();
    const u = upstream([
      () => ({ ok: true, userId: '2088000000000001', accessToken: 'authbseBsecret', expiresIn: 1209600 }),
    ]);
    const first = await svc.exchange(u, 'auth-code-1', 't1');
    const second = await svc.exchange(u, 'auth-code-1', 't2');
    expect(first.result).toMatchObject({ ok: true, userId: '2088000000000001' });
    expect(second).toMatchObject({
      source: 'cache',
      result: { ok: true, userId: '2088000000000001', accessToken: 'authbseBsecret' },
    });
    expect(u.calls).toBe(1);
    const key = exchangeKey(APP.appId, 'auth-code-1', 'M1\u0000A1\u0000direct');
    const stored = (await cache.get(key))!;
    // The memory cache keeps it bound, not sealed: it opens with this app's key and this cache key only.
    expect(openExchange(stored, sealingKey(APP.appId, APP.appSecret), key, BOUND_IN_PROCESS)).toMatchObject({
      accessToken: 'authbseBsecret',
    });
    expect(openExchange(stored, sealingKey(APP.appId, 'another secret'), key, BOUND_IN_PROCESS)).toBeUndefined();
    expect(openExchange(stored, sealingKey(APP.appId, APP.appSecret), `${key}x`, BOUND_IN_PROCESS)).toBeUndefined();
  });

  it("a cache outside the process (Redis, a host's own) gets the success sealed: neither token nor id readable", async () => {
    const inner = new MemoryExchangeCache();
    // Not a MemoryExchangeCache itself: what RedisExchangeCache or a host's cache looks like to the service.
    const outside: ExchangeCache = {
      get: (key) => inner.get(key),
      set: (key, value, ttlMs) => inner.set(key, value, ttlMs),
      claim: (key, owner, ttlMs) => inner.claim(key, owner, ttlMs),
      release: (key, owner) => inner.release(key, owner),
    };
    const { svc } = service(outside);
    const u = upstream([
      () => ({ ok: true, userId: '2088000000000001', accessToken: 'authbseBsecret', expiresIn: 1209600 }),
    ]);
    await svc.exchange(u, 'auth-code-9', 't1');
    const key = exchangeKey(APP.appId, 'auth-code-9', 'M1\u0000A1\u0000direct');
    const sealed = (await inner.get(key))!;
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('authbseB');
    expect(sealed).not.toContain('2088');
    expect(openExchange(sealed, sealingKey(APP.appId, APP.appSecret), key)).toMatchObject({
      accessToken: 'authbseBsecret',
    });
  });

  it('does not cache a refusal: the next request calls again', async () => {
    const { svc } = service();
    const u = upstream([() => ({ ok: false, code: '40002', subCode: 'isv.code-invalid', reason: 'r' })]);
    await svc.exchange(u, 'auth-code-2', 't1');
    await svc.exchange(u, 'auth-code-2', 't2');
    expect(u.calls).toBe(2);
  });

  it('retry: false makes one call on a connection failure (the WeChat default retries it once)', async () => {
    const unreachable = (): AlipayExchangeResult => {
      throw new AssistException(AssistErrorCode.UPSTREAM_UNREACHABLE, 'Alipay is unreachable (ECONNREFUSED)');
    };
    const { svc } = service();
    const once = upstream([unreachable], false);
    await expect(svc.exchange(once, 'auth-code-3', 't')).rejects.toMatchObject({
      code: AssistErrorCode.UPSTREAM_UNREACHABLE,
    });
    expect(once.calls).toBe(1);
    const twice = upstream([unreachable], true);
    await expect(svc.exchange(twice, 'auth-code-4', 't')).rejects.toMatchObject({
      code: AssistErrorCode.UPSTREAM_UNREACHABLE,
    });
    expect(twice.calls).toBe(2);
  });

  it("the channel's breaker opens on its host and names the channel", async () => {
    const { svc } = service();
    const down = upstream([
      () => {
        throw new AssistException(AssistErrorCode.UPSTREAM_TIMEOUT, 'Alipay did not answer in time');
      },
    ]);
    for (const code of ['c1', 'c2'])
      await expect(svc.exchange(down, code, 't')).rejects.toMatchObject({ code: AssistErrorCode.UPSTREAM_TIMEOUT });
    await expect(svc.exchange(down, 'c3', 't')).rejects.toMatchObject({
      code: AssistErrorCode.UPSTREAM_CIRCUIT_OPEN,
      message: 'Alipay is failing: calls are paused for a few seconds (circuit open), retry shortly',
    });
    expect(down.calls).toBe(2);
    expect(svc.breakerStates()).toEqual({ 'alipay.test': 'open' });
  });

  it("reports breakers per channel: WeChat web and the mini program share the API host's breaker, Alipay has its own (even on the same host)", async () => {
    const { svc } = service();
    const timeout = () => {
      throw new AssistException(AssistErrorCode.UPSTREAM_TIMEOUT, 'WeChat did not answer in time');
    };
    // WeChat web and the mini program on one host with the relay's retry; Alipay without it, on its own host and on WeChat's.
    const web: UpstreamExchange<AlipayExchangeResult> = {
      ...upstream([timeout]),
      app: { appId: 'wx-web', appSecret: 's' },
      base: 'http://wechat.test',
      retry: true,
      metricChannel: 'wechat',
    };
    const mini: UpstreamExchange<AlipayExchangeResult> = {
      ...upstream([() => ({ ok: true, accessToken: '', expiresIn: 0, openId: 'oMINI' })]),
      app: { appId: 'mini:wx', appSecret: 's' },
      base: 'http://wechat.test',
      retry: true,
      metricChannel: 'wechat_mini',
    };
    const ali = upstream([() => ({ ok: true, accessToken: 'authbseBx', expiresIn: 300, userId: '2088000000000001' })]);
    const aliHere = { ...ali, base: 'http://wechat.test/gateway.do', metricChannel: 'alipay' as const };
    await svc.exchange({ ...ali, metricChannel: 'alipay' }, 'a1', 't');
    await svc.exchange(aliHere, 'a2', 't');
    expect(svc.breakerStatesByChannel()).toEqual({ alipay: { 'alipay.test': 'closed', 'wechat.test': 'closed' } });

    for (const code of ['w1', 'w2'])
      await expect(svc.exchange(web, code, 't')).rejects.toMatchObject({ code: AssistErrorCode.UPSTREAM_TIMEOUT });
    // The mini program's call goes through the breaker web's failures opened: refused without a call.
    await expect(svc.exchange(mini, 'm1', 't')).rejects.toMatchObject({ code: AssistErrorCode.UPSTREAM_CIRCUIT_OPEN });
    expect(svc.breakerStatesByChannel()).toEqual({
      wechat: { 'wechat.test': 'open' },
      wechat_mini: { 'wechat.test': 'open' },
      alipay: { 'alipay.test': 'closed', 'wechat.test': 'closed' },
    });
    // Alipay's breaker on the same host is still closed: its call goes through.
    await expect(svc.exchange(aliHere, 'a3', 't')).resolves.toMatchObject({ result: { ok: true } });
    // Every channel together, per host (health's wechatBreaker): the worse of the two breakers on wechat.test.
    expect(svc.breakerStates()).toEqual({ 'alipay.test': 'closed', 'wechat.test': 'open' });
  });
});
