import { AlipayCallback } from '../../src/relay/channel-auth/alipay-callback';
import { ChannelAuthService } from '../../src/relay/channel-auth/channel-auth.service';
import { ChannelCallbacks } from '../../src/relay/channel-auth/channel-callbacks';
import { DouyinCallback } from '../../src/relay/channel-auth/douyin-callback';
import { FlowBrowserBinding } from '../../src/relay/channel-auth/flow-browser-binding';
import { CODE_OF_ANOTHER_FLOW, FlowCompletion } from '../../src/relay/channel-auth/flow-completion';
import { FlowRecords } from '../../src/relay/channel-auth/flow-records';
import { HostedRoutes } from '../../src/relay/channel-auth/hosted-routes';
import { SNAPSHOT_REFUSED, WechatCallback } from '../../src/relay/channel-auth/wechat-callback';
import { ChannelAuthStore } from '../../src/channel-auth/channel-auth.store';
import { MemoryChannelAuthStore } from '../../src/channel-auth/memory-channel-auth.store';
import { CodeExchangeService } from '../../src/exchange/code-exchange.service';
import { resolveExchangeOptions } from '../../src/exchange/exchange.options';
import { MemoryExchangeCache } from '../../src/exchange/memory-exchange.cache';
import { AssistException } from '../../src/kernel/assist.exception';
import { AssistLogger, LogFields } from '../../src/kernel/assist.logger';
import { AssistRequestContext } from '../../src/kernel/request-context';
import { Merchant, MerchantInput } from '../../src/merchants/merchant';
import { normalizeMerchants } from '../../src/merchants/normalize-merchant';
import { StaticMerchantProvider } from '../../src/merchants/static-merchant.provider';
import { buildAuthorizeUrl } from '../../src/wechat/wechat-authorize-url';
import { WechatExchangeResult } from '../../src/wechat/wechat-exchange-result';
import { WechatOAuthService } from '../../src/wechat/wechat-oauth.service';

const APP = { appId: 'wx0unit0app0000001', appSecret: 'unit-app-secret' };
const base = { wechat: APP, signSecret: 's', redirectHosts: ['shop.example.com'] };
const INPUTS: MerchantInput[] = [
  { ...base, mchNo: 'M20', appId: 'A20' },
  { ...base, mchNo: 'M30', appId: 'A30', dialect: 'daxpay-3.0' },
  { ...base, mchNo: 'MFLAG', appId: 'AF', snapshotUsers: 'flag' },
  { ...base, mchNo: 'MFLAG30', appId: 'AF30', snapshotUsers: 'flag', dialect: 'daxpay-3.0' },
];
const PUBLIC = 'https://pay.example.com';
const CALLBACK = `${PUBLIC}/unipay/assist/channel/auth/callback/wechat`;

/** WeChat's exchange, in process: single-use codes, 40163 on reuse, 40029 for unknown ones. */
class FakeWechat {
  readonly apiBase = 'https://api.wechat.invalid';
  calls = 0;
  failNext?: AssistException;
  private readonly codes = new Map<string, { openId: string; unionId?: string; snapshot?: boolean; used: boolean }>();
  private n = 0;

  issue(openId: string, extra: { unionId?: string; snapshot?: boolean } = {}): string {
    const code = `code${++this.n}${'x'.repeat(20)}`;
    this.codes.set(code, { openId, ...extra, used: false });
    return code;
  }

  authorizeUrl(appId: string, redirectUri: string, scope?: 'snsapi_base' | 'snsapi_userinfo', state?: string): string {
    return buildAuthorizeUrl('https://open.wechat.invalid', { appId, redirectUri, scope, state });
  }

  async exchangeCode(_app: unknown, code: string): Promise<WechatExchangeResult> {
    this.calls++;
    if (this.failNext) {
      const err = this.failNext;
      this.failNext = undefined;
      throw err;
    }
    const issued = this.codes.get(code);
    if (!issued) return { ok: false, errcode: 40029, reason: 'the OAuth code is invalid (WeChat errcode 40029)' };
    if (issued.used)
      return { ok: false, errcode: 40163, reason: 'the OAuth code has already been used (WeChat errcode 40163)' };
    issued.used = true;
    return {
      ok: true,
      token: {
        openId: issued.openId,
        accessToken: `AT_${issued.openId}_secret`,
        expiresIn: 7200,
        unionId: issued.unionId,
        snapshotUser: issued.snapshot,
      },
    };
  }
}

/** Every write the service makes, to check nothing readable is stored. */
class RecordingStore implements ChannelAuthStore {
  readonly writes: string[] = [];
  readonly inner = new MemoryChannelAuthStore();
  get(key: string) {
    return this.inner.get(key);
  }
  set(key: string, value: string, ttlMs: number) {
    this.writes.push(key, value);
    expect(ttlMs).toBe(300_000);
    return this.inner.set(key, value, ttlMs);
  }
  setIfAbsent(key: string, value: string, ttlMs: number) {
    this.writes.push(key, value);
    return this.inner.setIfAbsent(key, value, ttlMs);
  }
  deleteIf(key: string, value: string) {
    return this.inner.deleteIf(key, value);
  }
  increment(key: string, ttlMs: number) {
    this.writes.push(key);
    return this.inner.increment(key, ttlMs);
  }
}

class CapturingLogger extends AssistLogger {
  readonly lines: string[] = [];
  override log(traceId: string, event: string, fields: LogFields = {}): void {
    this.lines.push(`${event} ${JSON.stringify(fields)}`);
  }
  override warn(traceId: string, event: string, fields: LogFields = {}): void {
    this.log(traceId, event, fields);
  }
  override error(traceId: string, event: string, fields: LogFields = {}): void {
    this.log(traceId, event, fields);
  }
}

describe('ChannelAuthService', () => {
  let wechat: FakeWechat;
  let store: RecordingStore;
  let logger: CapturingLogger;
  let service: ChannelAuthService;
  const merchants = normalizeMerchants(INPUTS);
  const byNo = (mchNo: string): Merchant => merchants.find((m) => m.mchNo === mchNo)!;
  const ctx = (mchNo?: string): AssistRequestContext => ({
    traceId: 'T0000000000A',
    ...(mchNo && { merchant: byNo(mchNo) }),
  });

  function make(hosted = true): ChannelAuthService {
    const exchanges = new CodeExchangeService(
      new MemoryExchangeCache(),
      logger,
      resolveExchangeOptions({ retryDelayMs: 0 }, 1000),
    );
    // WeChat only: no Alipay relay nor Douyin client, and merchants' own WeChat apps (no WechatAppsService).
    const callbacks = new ChannelCallbacks(
      new WechatCallback(wechat as unknown as WechatOAuthService, exchanges, logger),
      new AlipayCallback(logger),
      new DouyinCallback(exchanges, logger),
    );
    const flows = new FlowRecords(store, new StaticMerchantProvider(merchants));
    const routes = new HostedRoutes(hosted ? { publicBaseUrl: PUBLIC } : null, 'unipay/assist');
    return new ChannelAuthService(
      flows,
      new FlowCompletion(store, flows, callbacks, logger),
      callbacks,
      routes,
      new FlowBrowserBinding(routes),
      logger,
    );
  }

  beforeEach(() => {
    wechat = new FakeWechat();
    store = new RecordingStore();
    logger = new CapturingLogger();
    service = make();
  });

  async function start(mchNo = 'M20'): Promise<{ queryCode: string; state: string }> {
    const r = await service.generateAuthUrl(ctx(mchNo), { channel: 'wechat_pay', authType: 'wechat' });
    const url = new URL(r.authUrl.split('#')[0]);
    expect(url.searchParams.get('redirect_uri')).toBe(CALLBACK);
    return { queryCode: r.queryCode, state: url.searchParams.get('state')! };
  }

  const read = (queryCode: string, mchNo = 'M20') => service.auth(ctx(mchNo), { channel: 'wechat_pay', queryCode });

  it('mints unguessable, distinct queryCode and state; stores neither, nor any token, in clear', async () => {
    const { queryCode, state } = await start();
    expect(queryCode).toMatch(/^[a-z2-7]{26}$/);
    expect(state).toMatch(/^[a-z2-7]{26}$/);
    expect(state).not.toBe(queryCode);
    const code = wechat.issue('oOPENID_A');
    await service.wechatCallback({ code, state }, ctx());
    const stored = store.writes.join('\n');
    for (const secret of [queryCode, state, code, 'oOPENID_A', 'AT_oOPENID_A_secret', APP.appSecret])
      expect(stored).not.toContain(secret);
    const logged = logger.lines.join('\n');
    for (const secret of [queryCode, state, code, 'oOPENID_A', 'AT_oOPENID_A_secret'])
      expect(logged).not.toContain(secret);
  });

  it('completes a flow once: the same code again (refresh, double redirect) is answered from the store without WeChat', async () => {
    const { queryCode, state } = await start();
    const code = wechat.issue('oA');
    const first = await service.wechatCallback({ code, state }, ctx());
    expect(first).toMatchObject({ kind: 'page', page: { tone: 'ok', title: 'Authorization complete' } });
    const again = await Promise.all([
      service.wechatCallback({ code, state }, ctx()),
      service.wechatCallback({ code, state }, ctx()),
    ]);
    for (const a of again) expect(a).toEqual(first);
    expect(wechat.calls).toBe(1);
    // 2.0.6 carries which app the openId belongs to (wxAppId).
    expect(await read(queryCode)).toEqual({
      code: 0,
      openId: 'oA',
      accessToken: 'AT_oA_secret',
      status: 'success',
      wxAppId: APP.appId,
    });
  });

  it('two concurrent callbacks with the same code make one WeChat call, both done', async () => {
    const { state } = await start();
    const code = wechat.issue('oC');
    const [a, b] = await Promise.all([
      service.wechatCallback({ code, state }, ctx()),
      service.wechatCallback({ code, state }, ctx()),
    ]);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ page: { tone: 'ok' } });
    expect(wechat.calls).toBe(1);
  });

  it('binds the state to the first code: a second tab with another code keeps the first result and spends nothing', async () => {
    const { queryCode, state } = await start();
    await service.wechatCallback({ code: wechat.issue('oFirst'), state }, ctx());
    const other = await service.wechatCallback({ code: wechat.issue('oSecond'), state }, ctx());
    expect(other).toMatchObject({ page: { tone: 'ok' } });
    expect(wechat.calls).toBe(1);
    expect(await read(queryCode)).toMatchObject({ openId: 'oFirst' });
    // Through the signed routes too: another code for a done queryCode is 29404.
    await expect(
      service.authAndSet(ctx('M20'), { channel: 'wechat_pay', queryCode, authCode: wechat.issue('oThird') }),
    ).rejects.toMatchObject({ code: 29404 });
  });

  it('a code that completed one flow cannot complete another (a replayed code with its own state): a failure there, the first untouched', async () => {
    const victim = await start();
    const attacker = await start();
    const code = wechat.issue('oVictim');
    await service.wechatCallback({ code, state: victim.state }, ctx());
    const r = await service.wechatCallback({ code, state: attacker.state }, ctx());
    expect(r).toMatchObject({
      page: {
        title: 'Authorization failed',
        message: expect.stringContaining('already used for another authorization'),
      },
    });
    expect(await read(attacker.queryCode)).toEqual({ code: 1, msg: CODE_OF_ANOTHER_FLOW });
    await expect(
      service.authAndSet(ctx('M20'), { channel: 'wechat_pay', queryCode: attacker.queryCode, authCode: code }),
    ).resolves.toEqual({ code: 1, msg: CODE_OF_ANOTHER_FLOW });
    expect(wechat.calls).toBe(1);
    expect(await read(victim.queryCode)).toMatchObject({ status: 'success', openId: 'oVictim' });
    // The attacker's flow stays open to a code of its own.
    await service.wechatCallback({ code: wechat.issue('oAttacker'), state: attacker.state }, ctx());
    expect(await read(attacker.queryCode)).toMatchObject({ status: 'success', openId: 'oAttacker' });
  });

  it('two different codes at once: one completes the flow, the other is told it is in progress', async () => {
    const { queryCode, state } = await start();
    const [a, b] = await Promise.all([
      service.wechatCallback({ code: wechat.issue('oX'), state }, ctx()),
      service.wechatCallback({ code: wechat.issue('oY'), state }, ctx()),
    ]);
    const titles = [a, b].map((o) => (o.kind === 'page' ? o.page.title : o.kind)).sort();
    expect(titles).toEqual(['Already being authorized', 'Authorization complete']);
    expect(wechat.calls).toBe(1);
    expect((await read(queryCode)) as { openId: string }).toMatchObject({ status: 'success' });
  });

  it('refuses states it did not mint, malformed ones and expired flows, storing nothing', async () => {
    await start();
    const writes = store.writes.length;
    for (const state of [undefined, '', 'short', 'a'.repeat(26), 'A'.repeat(26)]) {
      const r = await service.wechatCallback({ code: wechat.issue('oZ'), state }, ctx());
      expect(r).toMatchObject({ kind: 'page', page: { status: 400, title: 'This link is not valid' } });
    }
    expect(store.writes.length).toBe(writes);
    expect(wechat.calls).toBe(0);
  });

  it('a refusal (authdeny, no code) is stored as a failure the merchant reads; a later allow still completes', async () => {
    const { queryCode, state } = await start();
    expect(await service.wechatCallback({ state }, ctx())).toMatchObject({ page: { title: 'Authorization declined' } });
    expect(await read(queryCode)).toEqual({ code: 1, msg: 'the payer declined authorization' });
    expect(await service.wechatCallback({ code: 'authdeny', state }, ctx())).toMatchObject({
      page: { title: 'Authorization declined' },
    });
    expect(await service.wechatCallback({ code: '', state }, ctx())).toMatchObject({
      page: { title: 'Authorization incomplete', status: 400 },
    });
    await service.wechatCallback({ code: wechat.issue('oLater'), state }, ctx());
    expect(await read(queryCode)).toMatchObject({ status: 'success', openId: 'oLater' });
    // A late refusal never overwrites a success.
    await service.wechatCallback({ state }, ctx());
    expect(await read(queryCode)).toMatchObject({ status: 'success', openId: 'oLater' });
  });

  it('a WeChat refusal is stored with its errcode and leaves the flow open to another code', async () => {
    const { queryCode, state } = await start();
    const r = await service.wechatCallback({ code: 'not-a-code-wechat-knows', state }, ctx());
    expect(r).toMatchObject({ page: { title: 'Authorization failed', message: expect.stringContaining('40029') } });
    expect(await read(queryCode)).toEqual({ code: 1, msg: expect.stringContaining('40029'), wxErrcode: 40029 });
    await service.wechatCallback({ code: wechat.issue('oRetry'), state }, ctx());
    expect(await read(queryCode)).toMatchObject({ status: 'success', openId: 'oRetry' });
  });

  it('WeChat timing out: the error surfaces, the flow stays waiting and unbound', async () => {
    const { queryCode, state } = await start();
    // A timeout: never retried (the code may be spent), so it surfaces.
    wechat.failNext = new AssistException(29302, 'WeChat did not answer in time');
    await expect(service.wechatCallback({ code: wechat.issue('oDown'), state }, ctx())).rejects.toMatchObject({
      code: 29302,
    });
    expect(await read(queryCode)).toEqual({ code: 0, status: 'waiting' });
    await service.wechatCallback({ code: wechat.issue('oUp'), state }, ctx());
    expect(await read(queryCode)).toMatchObject({ openId: 'oUp' });
  });

  it("results are the creating merchant's only: others read not_exist and cannot complete it", async () => {
    const { queryCode } = await start('M20');
    expect(await read(queryCode, 'M30')).toEqual({ code: 0, status: 'not_exist' });
    await expect(
      service.authAndSet(ctx('M30'), { channel: 'wechat_pay', queryCode, authCode: wechat.issue('oEvil') }),
    ).rejects.toMatchObject({ code: 29403 });
    expect(
      await service.auth(ctx('M30'), { channel: 'wechat_pay', queryCode, authCode: wechat.issue('oEvil2') }),
    ).toEqual({ code: 0, status: 'not_exist' });
    expect(wechat.calls).toBe(0);
    expect(await read(queryCode)).toEqual({ code: 0, status: 'waiting' });
  });

  it('a record moved to another key or tampered with does not open (not_exist)', async () => {
    const a = await start();
    const b = await start();
    const keyOf = (i: number) => store.writes[i];
    // writes: [flowKeyA, flowA, stateKeyA, stateA, flowKeyB, flowB, ...]
    await store.inner.set(keyOf(4), store.writes[1], 300_000);
    expect(await read(b.queryCode)).toEqual({ code: 0, status: 'not_exist' });
    const tampered = JSON.parse(store.writes[1]) as { m: string; a: string; s: string };
    tampered.s = `${tampered.s.slice(0, -2)}AA`;
    await store.inner.set(keyOf(0), JSON.stringify(tampered), 300_000);
    expect(await read(a.queryCode)).toEqual({ code: 0, status: 'not_exist' });
  });

  describe('snapshot users and unionid', () => {
    it('refuses a snapshot user by default, with a message to open the full page', async () => {
      const { queryCode, state } = await start();
      const r = await service.wechatCallback({ code: wechat.issue('oSnap', { snapshot: true }), state }, ctx());
      expect(r).toMatchObject({
        page: { title: 'Authorization failed', message: expect.stringContaining('open the full page') },
      });
      expect(await read(queryCode)).toEqual({ code: 1, msg: SNAPSHOT_REFUSED });
      expect(
        await service.auth(ctx('M30'), { channel: 'wechat_pay', authCode: wechat.issue('oSnap2', { snapshot: true }) }),
      ).toEqual({ code: 1, msg: SNAPSHOT_REFUSED });
    });

    it('flags it for a merchant that asked, where the dialect carries extra fields (2.0.6), and refuses it under 3.0', async () => {
      expect(
        await service.auth(ctx('MFLAG'), {
          channel: 'wechat_pay',
          authCode: wechat.issue('oSnapF', { snapshot: true }),
        }),
      ).toEqual({
        code: 0,
        openId: 'oSnapF',
        accessToken: 'AT_oSnapF_secret',
        status: 'success',
        wxAppId: APP.appId,
        snapshotUser: true,
      });
      expect(
        await service.auth(ctx('MFLAG30'), {
          channel: 'wechat_pay',
          authCode: wechat.issue('oSnapF30', { snapshot: true }),
        }),
      ).toEqual({ code: 1, msg: SNAPSHOT_REFUSED });
    });

    it("answers the openId's app (wxAppId) to 2.0.6 merchants only", async () => {
      expect(await service.auth(ctx('M20'), { channel: 'wechat_pay', authCode: wechat.issue('oW') })).toMatchObject({
        wxAppId: APP.appId,
      });
      expect(
        await service.auth(ctx('M30'), { channel: 'wechat_pay', authCode: wechat.issue('oW3') }),
      ).not.toHaveProperty('wxAppId');
    });

    it('passes unionid through for 2.0.6 merchants only', async () => {
      expect(
        await service.auth(ctx('M20'), { channel: 'wechat_pay', authCode: wechat.issue('oU', { unionId: 'uUNION1' }) }),
      ).toMatchObject({ unionId: 'uUNION1' });
      expect(
        await service.auth(ctx('M30'), {
          channel: 'wechat_pay',
          authCode: wechat.issue('oU3', { unionId: 'uUNION3' }),
        }),
      ).not.toHaveProperty('unionId');
    });
  });

  describe('jump (redirect-back)', () => {
    const UA = 'Mozilla/5.0 MicroMessenger/8.0.47';
    const jump = (input: { redirectUrl: string; extParam?: string; sign?: string }, ua = UA, cookie?: string) =>
      service.jump(ctx('M20'), input, ua, 'https://pay.example.com/unipay/assist/channel/auth/jump?x=1', cookie);
    /** The Cookie header a browser sends back after the jump's Set-Cookie. */
    const cookieOf = (out: { setCookie?: string }): string => out.setCookie!.split(';')[0];

    it('inside WeChat: 302 to WeChat; after the callback, back to redirectUrl with queryCode and extParam only', async () => {
      const out = await jump({
        redirectUrl: 'https://shop.example.com/pay?order=7',
        extParam: 'o-7',
        sign: 'aa'.repeat(32),
      });
      expect(out.kind).toBe('redirect');
      // https public URL: the binding cookie is Secure, and scoped to the channel-auth routes.
      expect(out.setCookie).toMatch(
        /^unipay_assist_flow=[a-z2-7]{26}; Path=\/unipay\/assist\/channel\/auth; Max-Age=300; HttpOnly; SameSite=Lax; Secure$/,
      );
      const authorize = new URL((out as { url: string }).url.split('#')[0]);
      expect(authorize.searchParams.get('redirect_uri')).toBe(CALLBACK);
      const state = authorize.searchParams.get('state')!;
      const back = await service.wechatCallback({ code: wechat.issue('oJump'), state }, ctx(), cookieOf(out));
      expect(back.kind).toBe('redirect');
      const landed = new URL((back as { url: string }).url);
      expect(landed.origin + landed.pathname).toBe('https://shop.example.com/pay');
      expect([...landed.searchParams.keys()].sort()).toEqual(['extParam', 'order', 'queryCode']);
      expect(landed.searchParams.get('extParam')).toBe('o-7');
      expect((back as { url: string }).url).not.toContain('oJump');
      expect(await read(landed.searchParams.get('queryCode')!)).toMatchObject({ openId: 'oJump' });
    });

    it('the same signed link again in the same browser resumes its flow (same state); once done a page, not the queryCode again', async () => {
      const input = { redirectUrl: 'https://shop.example.com/r', sign: 'bb'.repeat(32) };
      const first = (await jump(input)) as { url: string; setCookie?: string };
      const cookie = cookieOf(first);
      const second = (await jump(input, UA, cookie)) as { url: string };
      expect(second.url).toBe(first.url);
      // Another browser (no cookie): a page, never this flow's state.
      expect(await jump(input)).toMatchObject({ kind: 'page', page: { status: 403 } });
      const state = new URL(first.url.split('#')[0]).searchParams.get('state')!;
      const back = (await service.wechatCallback({ code: wechat.issue('oOnce'), state }, ctx(), cookie)) as {
        url: string;
      };
      expect(back.url).toContain('queryCode=');
      expect(await jump(input, UA, cookie)).toMatchObject({
        kind: 'page',
        page: { title: 'Authorization already finished' },
      });
      // Another signed link is another flow.
      const other = (await jump({ ...input, sign: 'cc'.repeat(32) })) as { url: string };
      expect(new URL(other.url.split('#')[0]).searchParams.get('state')).not.toBe(state);
    });

    it('outside WeChat: a page saying to open it there; off the allow-list: 29062; hosted off: 20024', async () => {
      expect(await jump({ redirectUrl: 'https://shop.example.com/r' }, 'Mozilla/5.0 Chrome/120')).toMatchObject({
        kind: 'page',
        page: {
          title: 'Open this page in WeChat',
          link: { href: 'https://pay.example.com/unipay/assist/channel/auth/jump?x=1' },
        },
      });
      await expect(jump({ redirectUrl: 'https://evil.example.com/r' })).rejects.toMatchObject({ code: 29062 });
      await expect(
        make(false).jump(ctx('M20'), { redirectUrl: 'https://shop.example.com/r' }, UA, ''),
      ).rejects.toMatchObject({ code: 20024 });
    });
  });
});
