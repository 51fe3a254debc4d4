import { HttpService } from '@nestjs/axios';
import { Inject, Injectable } from '@nestjs/common';
import {
  CacheableExchange,
  CodeExchangeService,
  ExchangeCodec,
  ExchangeSource,
} from '../exchange/code-exchange.service';
import { exchangeScope } from '../exchange/exchange-key';
import { AssistException } from '../kernel/assist.exception';
import { AssistLogger } from '../kernel/assist.logger';
import { AssistMetrics } from '../kernel/assist.metrics';
import { AssistErrorCode, AssistErrorCodeValue } from '@unipay-assist/wire';
import { mask } from '@unipay-assist/wire';
import { AssistRequestContext } from '../kernel/request-context';
import { trustedMerchant } from '../merchants/trusted-merchant';
import { MiniProgramApp } from '../merchants/merchant-channels';
import { WechatMiniProgramClient } from '../wechat/wechat-mini-program.client';
import { MiniProgramSessionResult, WechatTransportFailureKind } from '../wechat/wechat-mini-program-result';
import { InjectWechatOptions, ResolvedWechatOptions } from '../wechat/wechat.options';

/**
 * `getWxMiniOpenId`'s business data. unionId is not answered: no DaxPay
 * client model has it, and a signed extra field makes 2.0.x clients' own
 * sign check fail. A refusal carries WeChat's errcode as the web flow does
 * (the dialect moves it outside the signed data).
 */
export type MiniOpenIdData = { code: 0; openId: string } | { code: 1; msg: string; wxErrcode?: number };

export type MiniProgramIdentity =
  | { ok: true; openId: string; source: ExchangeSource; codeDigest: string }
  | { ok: false; errcode: number; reason: string; codeDigest: string };

const TRANSPORT_CODES: Readonly<Record<WechatTransportFailureKind, AssistErrorCodeValue>> = {
  unreachable: AssistErrorCode.UPSTREAM_UNREACHABLE,
  timeout: AssistErrorCode.UPSTREAM_TIMEOUT,
  'http-error': AssistErrorCode.UPSTREAM_HTTP_ERROR,
  'bad-response': AssistErrorCode.UPSTREAM_BAD_RESPONSE,
};

/** How long a cached openId is reused: jscode2session gives no lifetime, so a wx.login code's own 5 minutes. */
const SESSION_TTL_SECONDS = 300;

/**
 * The cache keeps the openId only: session_key is never read (see
 * parseJscode2sessionBody), there is no access token, and unionId is not answered.
 */
const MINI_PROGRAM_CODEC: ExchangeCodec<MiniProgramSessionResult> = {
  toCached: (r) =>
    r.ok ? { ok: true, token: { openId: r.openId, accessToken: '', expiresIn: SESSION_TTL_SECONDS } } : undefined,
  fromCached: (c: CacheableExchange) => ({ ok: true, openId: c.token.openId }),
};

export const NO_MINI_PROGRAM = 'the merchant has no WeChat mini program configured (merchant miniProgram)';

/**
 * The mini-program channel: a `wx.login` code to the payer's openId through
 * `sns/jscode2session` on WeChat's API host, with the web flow's rules: the
 * idempotent exchange, one retry of a connection failure or errcode -1, the
 * host's circuit breaker, errcodes as signed business failures.
 */
@Injectable()
export class MiniProgramRelayService {
  private readonly client: WechatMiniProgramClient;

  constructor(
    http: HttpService,
    @InjectWechatOptions() wechat: ResolvedWechatOptions,
    private readonly exchanges: CodeExchangeService,
    private readonly logger: AssistLogger,
    @Inject(AssistMetrics) private readonly metrics: AssistMetrics,
  ) {
    this.client = new WechatMiniProgramClient({
      apiBase: wechat.apiBase,
      timeoutMs: wechat.timeoutMs,
      http: http.axiosRef,
    });
  }

  /** One wx.login code to the openId, idempotently. Throws AssistException (293xx) when WeChat gave no usable answer. */
  /** `scope`: who may read the answer (exchangeScope). */
  async exchangeLoginCode(
    app: MiniProgramApp,
    code: string,
    traceId: string,
    scope: string,
  ): Promise<MiniProgramIdentity> {
    const upstream = {
      scope,
      // Prefixed: a mini program's codes never share cache keys with an official account's.
      app: { appId: `mini:${app.appId}`, appSecret: app.appSecret },
      base: this.client.apiBase,
      codec: MINI_PROGRAM_CODEC,
      metricChannel: 'wechat_mini' as const,
      call: async (): Promise<MiniProgramSessionResult> => {
        const result = await this.client.code2Session(app, code);
        if (!result.ok && 'kind' in result) throw new AssistException(TRANSPORT_CODES[result.kind], result.reason);
        return result;
      },
    };
    const { result, source, codeDigest } = await this.exchanges.exchange(upstream, code, traceId);
    if (source !== 'wechat') this.metrics.exchangeReused(source);
    if (result.ok) return { ok: true, openId: result.openId, source, codeDigest };
    const refusal = result as Extract<MiniProgramSessionResult, { errcode: number }>;
    return { ok: false, errcode: refusal.errcode, reason: refusal.reason, codeDigest };
  }

  async getWxMiniOpenId(ctx: AssistRequestContext, code: string): Promise<MiniOpenIdData> {
    const merchant = trustedMerchant(ctx);
    if (!merchant.miniProgram) return { code: 1, msg: NO_MINI_PROGRAM };
    const identity = await this.exchangeLoginCode(
      merchant.miniProgram,
      code,
      ctx.traceId,
      exchangeScope(merchant, 'direct'),
    );
    if (!identity.ok) {
      this.logger.warn(ctx.traceId, 'wechat.mini.refused', {
        mchNo: merchant.mchNo,
        errcode: identity.errcode,
        code: identity.codeDigest,
      });
      return { code: 1, msg: identity.reason, wxErrcode: identity.errcode };
    }
    ctx.answered = {
      event: 'wechat.mini.exchanged',
      fields: { code: identity.codeDigest, openId: mask(identity.openId), source: identity.source },
    };
    return { code: 0, openId: identity.openId };
  }
}
