import { Test } from '@nestjs/testing';
import {
  CodeExchangeService,
  ExchangeOutcome,
  ExchangeSource,
  UpstreamExchange,
} from '../../src/exchange/code-exchange.service';
import { WechatAppsService } from '../../src/relay/wechat-apps.service';
import { WechatRelayService } from '../../src/relay/wechat-relay.service';
import { WxAuthUrlDto } from '../../src/http/dto/wx-auth-url.dto';
import { AssistException } from '../../src/kernel/assist.exception';
import { AssistLogger } from '../../src/kernel/assist.logger';
import { AssistMetrics } from '../../src/kernel/assist.metrics';
import { AssistErrorCode } from '../../../wire/src/error-codes';
import { AssistRequestContext } from '../../src/kernel/request-context';
import { WechatExchangeResult } from '../../src/wechat/wechat-exchange-result';
import { WechatOAuthService } from '../../src/wechat/wechat-oauth.service';
import { merchant, RecordingLogger, RecordingMetrics } from '../../../../test/support/fakes';

const WECHAT = { appId: 'wx0unit0service', appSecret: 'unit-wechat-secret' };
const M1 = merchant({ mchNo: 'M1', wechat: WECHAT, signSecret: 's', redirectHosts: ['shop.example.com'] });
const OPEN_ID = 'oUNITOPENID0000000000000000x';
const DIGEST = '0123456789ab';

/** WechatOAuthService's surface WechatRelayService uses, recording calls. */
class FakeWechat {
  readonly apiBase = 'http://wechat.test';
  readonly exchanged: Array<[{ appId: string; appSecret: string }, string]> = [];
  result: WechatExchangeResult = { ok: true, token: { openId: OPEN_ID, accessToken: 'AT_UNIT', expiresIn: 7200 } };

  async exchangeCode(app: { appId: string; appSecret: string }, code: string): Promise<WechatExchangeResult> {
    this.exchanged.push([app, code]);
    return this.result;
  }

  authorizeUrl(appId: string, redirectUri: string, scope?: string, state?: string): string {
    return `http://open.test/authorize?appid=${appId}&redirect_uri=${encodeURIComponent(redirectUri)}&scope=${scope ?? 'snsapi_base'}&state=${state ?? ''}`;
  }
}

/** CodeExchangeService's one method: runs the upstream call (as a first exchange would) and reports `source`. */
class FakeExchanges {
  readonly calls: Array<{ upstream: UpstreamExchange; code: string; traceId: string }> = [];
  source: ExchangeSource = 'wechat';
  failure?: Error;

  async exchange(upstream: UpstreamExchange, code: string, traceId: string): Promise<ExchangeOutcome> {
    this.calls.push({ upstream, code, traceId });
    if (this.failure) throw this.failure;
    return { result: await upstream.call(), source: this.source, codeDigest: DIGEST };
  }
}

describe('WechatRelayService (unit: fake WeChat service and exchange, recording logger and metrics)', () => {
  let service: WechatRelayService;
  let wechat: FakeWechat;
  let exchanges: FakeExchanges;
  let logger: RecordingLogger;
  let metrics: RecordingMetrics;

  beforeEach(async () => {
    wechat = new FakeWechat();
    exchanges = new FakeExchanges();
    logger = new RecordingLogger();
    metrics = new RecordingMetrics();
    const moduleRef = await Test.createTestingModule({
      providers: [
        WechatRelayService,
        // The real resolver: a merchant's own app needs nothing but the WeChat service.
        WechatAppsService,
        { provide: WechatOAuthService, useValue: wechat },
        { provide: CodeExchangeService, useValue: exchanges },
        { provide: AssistLogger, useValue: logger },
        { provide: AssistMetrics, useValue: metrics },
      ],
    }).compile();
    service = moduleRef.get(WechatRelayService);
  });

  const verified = (): AssistRequestContext => ({ traceId: 'TRACE0000001', merchant: M1, secretIndex: 0 });

  describe('getWxAccessToken', () => {
    it("exchanges the code through the exchange service with the merchant's WeChat app, and returns openId and token", async () => {
      const ctx = verified();
      await expect(service.getWxAccessToken(ctx, 'CODE-1')).resolves.toEqual({
        code: 0,
        openId: OPEN_ID,
        accessToken: 'AT_UNIT',
      });
      expect(exchanges.calls).toHaveLength(1);
      const [{ upstream, code, traceId }] = exchanges.calls;
      expect({ code, traceId, app: upstream.app, base: upstream.base }).toEqual({
        code: 'CODE-1',
        traceId: 'TRACE0000001',
        app: WECHAT,
        base: 'http://wechat.test',
      });
      expect(wechat.exchanged).toEqual([[WECHAT, 'CODE-1']]);
    });

    it('leaves the success line for the interceptor: code digest, masked openId and source; never the code, openId or token in clear', async () => {
      const ctx = verified();
      await service.getWxAccessToken(ctx, 'CODE-1');
      expect(ctx.answered).toEqual({
        event: 'wechat.exchanged',
        fields: { code: DIGEST, openId: 'oUNI…000x', source: 'wechat' },
      });
      expect(JSON.stringify(ctx.answered)).not.toMatch(/CODE-1|AT_UNIT|oUNITOPENID0000000000000000x/);
      // The interceptor writes it; the service itself logs nothing on success.
      expect(logger.lines).toEqual([]);
    });

    it.each(['cache', 'joined', 'peer'] as const)('an answer reused from %s is counted as such', async (source) => {
      exchanges.source = source;
      const ctx = verified();
      await service.getWxAccessToken(ctx, 'CODE-1');
      expect(metrics.calls).toEqual([['exchangeReused', source]]);
      expect(ctx.answered?.fields.source).toBe(source);
    });

    it('a fresh exchange is not a reuse', async () => {
      await service.getWxAccessToken(verified(), 'CODE-1');
      expect(metrics.calls).toEqual([]);
    });

    it('a WeChat refusal is a business failure (code 1, reason, errcode), logged as wechat.refused without the code', async () => {
      wechat.result = { ok: false, errcode: 40029, reason: 'the OAuth code is invalid (WeChat errcode 40029)' };
      const ctx = verified();
      await expect(service.getWxAccessToken(ctx, 'CODE-1')).resolves.toEqual({
        code: 1,
        msg: 'the OAuth code is invalid (WeChat errcode 40029)',
        wxErrcode: 40029,
      });
      expect(logger.lines).toEqual([
        {
          level: 'warn',
          traceId: 'TRACE0000001',
          event: 'wechat.refused',
          fields: { mchNo: 'M1', errcode: 40029, code: DIGEST },
        },
      ]);
      expect(ctx.answered).toBeUndefined();
    });

    it('an exchange error (e.g. 29306 from a claim held elsewhere) propagates to the filter', async () => {
      exchanges.failure = new AssistException(AssistErrorCode.EXCHANGE_IN_PROGRESS, 'being exchanged elsewhere');
      await expect(service.getWxAccessToken(verified(), 'CODE-1')).rejects.toBe(exchanges.failure);
    });

    it('refuses to run without a verified merchant (a route without the SignatureGuard)', async () => {
      await expect(service.getWxAccessToken({ traceId: 'T' }, 'CODE-1')).rejects.toThrow(/SignatureGuard/);
      expect(exchanges.calls).toEqual([]);
    });
  });

  describe('getWxAuthUrl', () => {
    const dto = (fields: Partial<WxAuthUrlDto>): WxAuthUrlDto =>
      Object.assign(new WxAuthUrlDto(), { reqTime: 1, ...fields });

    it("builds WeChat's authorize URL for the merchant's app, with redirect, scope and state", () => {
      const out = service.getWxAuthUrl(
        verified(),
        dto({ url: 'https://shop.example.com/pay?o=1', scope: 'snsapi_userinfo', state: 'st' }),
      );
      expect(out).toEqual({
        code: 0,
        url: `http://open.test/authorize?appid=${WECHAT.appId}&redirect_uri=${encodeURIComponent('https://shop.example.com/pay?o=1')}&scope=snsapi_userinfo&state=st`,
      });
    });

    it("refuses a redirect off the merchant's allow-list with 29062 naming url", () => {
      let err: unknown;
      try {
        service.getWxAuthUrl(verified(), dto({ url: 'https://evil.example.net/' }));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AssistException);
      expect((err as AssistException).code).toBe(AssistErrorCode.REDIRECT_NOT_ALLOWED);
      expect((err as AssistException).message).toMatch(/^url: /);
    });

    it('never calls WeChat', () => {
      service.getWxAuthUrl(verified(), dto({ url: 'https://shop.example.com/' }));
      expect(wechat.exchanged).toEqual([]);
      expect(exchanges.calls).toEqual([]);
    });
  });
});
