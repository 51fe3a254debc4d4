import { Inject, Injectable, Optional } from '@nestjs/common';
import { Merchant } from '../merchants/merchant';
import { checkRedirectUrl } from '../merchants/redirect-hosts';
import { AssistException } from '../kernel/assist.exception';
import { AssistErrorCode } from '../kernel/error-codes';
import { WechatOAuthService } from '../wechat/wechat-oauth.service';
import { CodeExchangeService } from '../exchange/code-exchange.service';
import { AssistMetrics } from '../kernel/assist.metrics';
import { AssistLogger, mask } from '../kernel/assist.logger';
import { WxAuthUrlDto } from './dto/wx-auth-url.dto';

/** Business data before the interceptor adds resTime and sign. */
export type AccessTokenData =
  | { code: 0; openId: string; accessToken: string }
  | { code: 1; msg: string; wxErrcode: number };

export type AuthUrlData = { code: 0; url: string };

/** The relay itself: what each route does once the request is trusted. */
@Injectable()
export class AssistService {
  constructor(
    private readonly wechat: WechatOAuthService,
    private readonly logger: AssistLogger,
    private readonly exchanges: CodeExchangeService,
    @Optional() @Inject(AssistMetrics) private readonly metrics?: AssistMetrics,
  ) {}

  async getWxAccessToken(merchant: Merchant, code: string, traceId: string): Promise<AccessTokenData> {
    // Idempotent: the same code gets the same answer (single-flight, cache, Redis claim).
    const { result, source, codeDigest } = await this.exchanges.exchange(merchant.wechat, code, traceId);
    // Envelope code 0 (a refusal is a business failure inside data); errors are counted by the filter.
    this.metrics?.request('getWxAccessToken', 0);
    if (source !== 'wechat') this.metrics?.exchangeReused(source);
    if (!result.ok) {
      this.logger.warn(traceId, 'wechat.refused', { mchNo: merchant.mchNo, errcode: result.errcode, code: codeDigest });
      return { code: 1, msg: result.reason, wxErrcode: result.errcode };
    }
    this.logger.log(traceId, 'wechat.exchanged', {
      mchNo: merchant.mchNo,
      code: codeDigest,
      openId: mask(result.token.openId),
      source,
    });
    return { code: 0, openId: result.token.openId, accessToken: result.token.accessToken };
  }

  getWxAuthUrl(merchant: Merchant, dto: WxAuthUrlDto): AuthUrlData {
    // Not an open redirector: only the merchant's own hosts (20062).
    const check = checkRedirectUrl(dto.url, merchant.redirectHosts);
    if (!check.ok) throw new AssistException(AssistErrorCode.REDIRECT_NOT_ALLOWED, `url: ${check.reason}`);
    const url = this.wechat.authorizeUrl(merchant.wechat.appId, dto.url, dto.scope, dto.state);
    this.metrics?.request('getWxAuthUrl', 0);
    return { code: 0, url };
  }
}
