import { Inject, Injectable } from '@nestjs/common';
import { AssistException } from '../kernel/assist.exception';
import { AssistLogger } from '../kernel/assist.logger';
import { AssistMetrics } from '../kernel/assist.metrics';
import { AssistErrorCode } from '@unipay-assist/wire';
import { mask } from '@unipay-assist/wire';
import { AssistRequestContext } from '../kernel/request-context';
import { CodeExchangeService } from '../exchange/code-exchange.service';
import { exchangeScope } from '../exchange/exchange-key';
import { trustedMerchant } from '../merchants/trusted-merchant';
import { checkRedirectUrl } from '../merchants/redirect-hosts';
import { WechatAppsService } from './wechat-apps.service';
import { SNAPSHOT_USER_REFUSED } from '../wechat/wechat-snapshot-user';
import { WxAuthUrlDto } from '../http/dto/wx-auth-url.dto';

/** Business data before the interceptor adds resTime and sign. */
export type AccessTokenData =
  { code: 0; openId: string; accessToken: string } | { code: 1; msg: string; wxErrcode?: number };

export type AuthUrlData = { code: 0; url: string };

/** The relay itself: what each route does once the request is trusted. */
@Injectable()
export class WechatRelayService {
  constructor(
    private readonly apps: WechatAppsService,
    private readonly logger: AssistLogger,
    private readonly exchanges: CodeExchangeService,
    @Inject(AssistMetrics) private readonly metrics: AssistMetrics,
  ) {}

  async getWxAccessToken(ctx: AssistRequestContext, code: string): Promise<AccessTokenData> {
    const merchant = trustedMerchant(ctx);
    // Own app, the service provider's, or through the third-party platform (WechatAppsService); the merchant's direct scope.
    const upstream = { ...this.apps.upstream(merchant, code, ctx.traceId), scope: exchangeScope(merchant, 'direct') };
    // Idempotent: the same code gets the same answer (single-flight, cache, Redis claim).
    const { result, source, codeDigest } = await this.exchanges.exchange(upstream, code, ctx.traceId);
    if (source !== 'wechat') this.metrics.exchangeReused(source);
    if (!result.ok) {
      this.logger.warn(ctx.traceId, 'wechat.refused', {
        mchNo: merchant.mchNo,
        errcode: result.errcode,
        code: codeDigest,
      });
      return { code: 1, msg: result.reason, wxErrcode: result.errcode };
    }
    if (result.token.snapshotUser) {
      // A snapshot page's virtual openId cannot pay, and no 2.0 model has a field to flag it: a business failure.
      this.logger.log(ctx.traceId, 'wechat.snapshot_user', { mchNo: merchant.mchNo, code: codeDigest });
      return { code: 1, msg: SNAPSHOT_USER_REFUSED };
    }
    ctx.answered = {
      event: 'wechat.exchanged',
      fields: { code: codeDigest, openId: mask(result.token.openId), source },
    };
    return { code: 0, openId: result.token.openId, accessToken: result.token.accessToken };
  }

  getWxAuthUrl(ctx: AssistRequestContext, dto: WxAuthUrlDto): AuthUrlData {
    const merchant = trustedMerchant(ctx);
    // Not an open redirector: only the merchant's own hosts (29062).
    const check = checkRedirectUrl(dto.url, merchant.redirectHosts);
    if (!check.ok) throw new AssistException(AssistErrorCode.REDIRECT_NOT_ALLOWED, `url: ${check.reason}`);
    return { code: 0, url: this.apps.authorizeUrl(merchant, check.url, dto.scope, dto.state) };
  }
}
