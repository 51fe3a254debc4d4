import { AssistErrorCode } from '@unipay-assist/wire';
import { MemoryChannelAuthStore } from '../../src/channel-auth/memory-channel-auth.store';
import { AssistException } from '../../src/kernel/assist.exception';
import { AssistLogger } from '../../src/kernel/assist.logger';
import { ComponentTokenService } from '../../src/relay/component-token.service';
import { ComponentTokenResult, WechatOAuthService } from '../../src/wechat/wechat-oauth.service';
import { resolveWechatOptions } from '../../src/wechat/wechat.options';
import { resolveWechatComponent } from '../../src/wechat-component/wechat-component.options';

const COMPONENT = resolveWechatComponent({
  appId: 'wxcomponent0001',
  appSecret: 'COMPONENT-SECRET',
  token: 'Token42abc',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
});

/** WeChat's api_component_token, held until the test releases it, recording the tickets it was given. */
class FakeTokenEndpoint {
  readonly tickets: string[] = [];
  answer: () => ComponentTokenResult = () => ({ ok: true, accessToken: `CAT_${this.tickets.length}`, expiresIn: 7200 });
  failure?: AssistException;
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => undefined;

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open();
  }

  async fetchComponentToken(c: { appId: string; appSecret: string; ticket: string }): Promise<ComponentTokenResult> {
    this.tickets.push(c.ticket);
    await this.gate;
    if (this.failure) throw this.failure;
    return this.answer();
  }
}

class SilentLogger extends AssistLogger {
  readonly lines: string[] = [];
  override log(_t: string, event: string, fields: Record<string, unknown> = {}): void {
    this.lines.push(`${event} ${JSON.stringify(fields)}`);
  }
  override warn(t: string, event: string, fields: Record<string, unknown> = {}): void {
    this.log(t, event, fields);
  }
}

async function codeOf(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return (err as AssistException).code;
  }
}

describe('ComponentTokenService (a shared in-memory store standing in for Redis, two services standing in for two instances)', () => {
  let store: MemoryChannelAuthStore;
  let endpoint: FakeTokenEndpoint;
  let logger: SilentLogger;
  const make = (component = COMPONENT): ComponentTokenService =>
    new ComponentTokenService(
      component,
      store,
      endpoint as unknown as WechatOAuthService,
      resolveWechatOptions({ timeoutMs: 1000 }),
      logger,
    );

  beforeEach(() => {
    store = new MemoryChannelAuthStore();
    endpoint = new FakeTokenEndpoint();
    logger = new SilentLogger();
  });

  it('answers 29320 until a ticket is stored, without calling WeChat', async () => {
    const service = make();
    expect(await codeOf(service.accessToken('T'))).toBe(AssistErrorCode.COMPONENT_TICKET_MISSING);
    expect(await service.hasTicket()).toBe(false);
    expect(endpoint.tickets).toEqual([]);
  });

  it('answers 29321 on a gateway without a platform', async () => {
    expect(await codeOf(make(null).accessToken('T'))).toBe(AssistErrorCode.WECHAT_APP_UNAVAILABLE);
  });

  it('fetches once for concurrent callers on both instances, then serves the stored token', async () => {
    const a = make();
    const b = make();
    await a.saveTicket('ticket-1', 100);
    endpoint.hold();
    const waiting = [a.accessToken('T1'), a.accessToken('T2'), b.accessToken('T3'), b.accessToken('T4')];
    // Bounded by a condition, not a clock: the one fetch is under way before it is let go.
    while (endpoint.tickets.length === 0) await new Promise((r) => setImmediate(r));
    endpoint.release();
    expect(await Promise.all(waiting)).toEqual(['CAT_1', 'CAT_1', 'CAT_1', 'CAT_1']);
    expect(await b.accessToken('T5')).toBe('CAT_1');
    expect(endpoint.tickets).toEqual(['ticket-1']);
    expect(a.stats.tokenFetches + b.stats.tokenFetches).toBe(1);
  });

  it('keeps the newest ticket: an older push does not replace it', async () => {
    const service = make();
    expect(await service.saveTicket('ticket-new', 200)).toBe(true);
    expect(await service.saveTicket('ticket-old', 100)).toBe(false);
    await service.accessToken('T');
    expect(endpoint.tickets).toEqual(['ticket-new']);
  });

  it("WeChat's refusal is 29322 with the errcode, and nothing is stored: the next caller asks again", async () => {
    const service = make();
    await service.saveTicket('ticket-1', 100);
    endpoint.answer = () => ({
      ok: false,
      errcode: 61006,
      reason: 'WeChat refused the request (WeChat errcode 61006)',
    });
    const refused = service.accessToken('T').catch((e: AssistException) => e);
    const e = (await refused) as AssistException;
    expect(e.code).toBe(AssistErrorCode.COMPONENT_TOKEN_REFUSED);
    expect(e.message).toContain('61006');
    endpoint.answer = () => ({ ok: true, accessToken: 'CAT_OK', expiresIn: 7200 });
    expect(await service.accessToken('T')).toBe('CAT_OK');
    expect(endpoint.tickets).toHaveLength(2);
  });

  it('a transport failure propagates and gives the hold up, so another instance may fetch at once', async () => {
    const a = make();
    await a.saveTicket('ticket-1', 100);
    endpoint.failure = new AssistException(AssistErrorCode.UPSTREAM_UNREACHABLE, 'WeChat is unreachable');
    expect(await codeOf(a.accessToken('T'))).toBe(AssistErrorCode.UPSTREAM_UNREACHABLE);
    endpoint.failure = undefined;
    expect(await make().accessToken('T')).toMatch(/^CAT_/);
  });

  it('an invalidated token is fetched again; another token than the stored one is left alone', async () => {
    const service = make();
    await service.saveTicket('ticket-1', 100);
    const first = await service.accessToken('T');
    await service.invalidate('SOME_OTHER', 'T');
    expect(await service.accessToken('T')).toBe(first);
    await service.invalidate(first, 'T');
    expect(await service.accessToken('T')).not.toBe(first);
    expect(endpoint.tickets).toHaveLength(2);
  });

  it('a short-lived token is still reused for half its life; stored sealed: no ticket or token in the store in clear', async () => {
    const service = make();
    await service.saveTicket('ticket-clear-text', 100);
    endpoint.answer = () => ({ ok: true, accessToken: 'CAT_SHORT_LIVED', expiresIn: 60 });
    await service.accessToken('T');
    expect(await service.accessToken('T')).toBe('CAT_SHORT_LIVED');
    expect(endpoint.tickets).toHaveLength(1);
    const dump = JSON.stringify([
      ...(store as unknown as { entries: Map<string, { value: string }> }).entries.values(),
    ]);
    expect(dump).not.toContain('ticket-clear-text');
    expect(dump).not.toContain('CAT_SHORT_LIVED');
    expect(logger.lines.join('\n')).not.toContain('CAT_SHORT_LIVED');
  });
});
