import { Controller, Type, UseFilters, UseGuards, UseInterceptors, VERSION_NEUTRAL } from '@nestjs/common';
import { AlipayAuthUrlData, AlipayRelayService, AlipayUserIdData } from '../relay/alipay-relay.service';
import { AssistRequestContext } from '../kernel/request-context';
import { MiniOpenIdData, MiniProgramRelayService } from '../relay/mini-program-relay.service';
import { AssistIpThrottlerGuard, AssistMerchantThrottlerGuard } from '../rate-limit/assist-throttler.guard';
import { AssistBody } from './assist-body.decorator';
import { AssistContext } from './assist-context.decorator';
import { AccessTokenData, WechatRelayService, AuthUrlData } from '../relay/wechat-relay.service';
import { AssistPost } from './assist-route.decorator';
import { AlipayAuthUrlDto } from './dto/alipay-auth-url.dto';
import { AlipayUserIdDto } from './dto/alipay-user-id.dto';
import { WxAccessTokenDto } from './dto/wx-access-token.dto';
import { WxAuthUrlDto } from './dto/wx-auth-url.dto';
import { WxMiniOpenIdDto } from './dto/wx-mini-open-id.dto';
import { EnvelopeInterceptor } from './envelope/envelope.interceptor';
import { EnvelopeExceptionFilter } from './filters/envelope-exception.filter';
import { SignatureGuard } from './guards/signature.guard';

/**
 * DaxPay's unipay assist routes. Mounted under a prefix chosen by the host:
 * see createAssistController. Handlers return business data; the
 * EnvelopeInterceptor signs and wraps it, the EnvelopeExceptionFilter
 * answers every error.
 */
// Per-IP limit first (cheap, before any crypto), then the sign, then the per-merchant limit (authenticated only).
@UseGuards(AssistIpThrottlerGuard, SignatureGuard, AssistMerchantThrottlerGuard)
@UseInterceptors(EnvelopeInterceptor)
@UseFilters(EnvelopeExceptionFilter)
export class AssistController {
  constructor(
    protected readonly assist: WechatRelayService,
    protected readonly alipay: AlipayRelayService,
    protected readonly miniProgram: MiniProgramRelayService,
  ) {}

  @AssistPost('getWxAccessToken', WxAccessTokenDto)
  getWxAccessToken(
    @AssistBody() dto: WxAccessTokenDto,
    @AssistContext() ctx: AssistRequestContext,
  ): Promise<AccessTokenData> {
    return this.assist.getWxAccessToken(ctx, dto.code);
  }

  @AssistPost('getWxAuthUrl', WxAuthUrlDto)
  getWxAuthUrl(@AssistBody() dto: WxAuthUrlDto, @AssistContext() ctx: AssistRequestContext): AuthUrlData {
    return this.assist.getWxAuthUrl(ctx, dto);
  }

  // Named as DaxPay names its assist routes (get + channel + what is answered), see the README.
  @AssistPost('getAlipayAuthUrl', AlipayAuthUrlDto)
  getAlipayAuthUrl(@AssistBody() dto: AlipayAuthUrlDto, @AssistContext() ctx: AssistRequestContext): AlipayAuthUrlData {
    return this.alipay.getAlipayAuthUrl(ctx, dto);
  }

  @AssistPost('getAlipayUserId', AlipayUserIdDto)
  getAlipayUserId(
    @AssistBody() dto: AlipayUserIdDto,
    @AssistContext() ctx: AssistRequestContext,
  ): Promise<AlipayUserIdData> {
    return this.alipay.getAlipayUserId(ctx, dto.authCode);
  }

  @AssistPost('getWxMiniOpenId', WxMiniOpenIdDto)
  getWxMiniOpenId(
    @AssistBody() dto: WxMiniOpenIdDto,
    @AssistContext() ctx: AssistRequestContext,
  ): Promise<MiniOpenIdData> {
    return this.miniProgram.getWxMiniOpenId(ctx, dto.code);
  }
}

/**
 * A controller class bound to one prefix. A subclass per mount keeps the
 * prefix out of global metadata, so two mounts with different prefixes work.
 * Version-neutral: a host's URI versioning never moves the DaxPay paths.
 * `decorators` are the host's own (an auth guard's `@Public()`, a wrapper's
 * skip marker, `@ApiTags`, `@SkipThrottle()`), applied to the class.
 */
export function createAssistController(
  routePrefix: string,
  decorators: readonly ClassDecorator[] = [],
): Type<AssistController> {
  class MountedAssistController extends AssistController {}
  Object.defineProperty(MountedAssistController, 'name', { value: 'AssistController' });
  Controller({ path: routePrefix, version: VERSION_NEUTRAL })(MountedAssistController);
  for (const decorate of decorators) decorate(MountedAssistController);
  return MountedAssistController;
}
