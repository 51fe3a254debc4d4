import { Controller, Req, Type, UseFilters, UseGuards, UseInterceptors, VERSION_NEUTRAL } from '@nestjs/common';
import { requestContext } from '../kernel/request-context';
import { AssistIpThrottlerGuard, AssistMerchantThrottlerGuard } from '../rate-limit/assist-throttler.guard';
import { AssistBody } from './assist-body.decorator';
import { AccessTokenData, AssistService, AuthUrlData } from './assist.service';
import { AssistPost } from './assist-route.decorator';
import { WxAccessTokenDto } from './dto/wx-access-token.dto';
import { WxAuthUrlDto } from './dto/wx-auth-url.dto';
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
  constructor(protected readonly assist: AssistService) {}

  @AssistPost('getWxAccessToken', WxAccessTokenDto)
  getWxAccessToken(@AssistBody() dto: WxAccessTokenDto, @Req() req: object): Promise<AccessTokenData> {
    return this.assist.getWxAccessToken(requestContext(req), dto.code);
  }

  @AssistPost('getWxAuthUrl', WxAuthUrlDto)
  getWxAuthUrl(@AssistBody() dto: WxAuthUrlDto, @Req() req: object): AuthUrlData {
    return this.assist.getWxAuthUrl(requestContext(req), dto);
  }
}

/**
 * A controller class bound to one prefix. A subclass per mount keeps the
 * prefix out of global metadata, so two mounts with different prefixes work.
 * Version-neutral: a host's URI versioning never moves the DaxPay paths.
 * `decorators` are the host's own (an auth guard's `@Public()`, a wrapper's
 * skip marker, `@ApiTags`, `@SkipThrottle()`), applied to the class.
 */
export function createAssistController(routePrefix: string, decorators: readonly ClassDecorator[] = []): Type<AssistController> {
  class MountedAssistController extends AssistController {}
  Object.defineProperty(MountedAssistController, 'name', { value: 'AssistController' });
  Controller({ path: routePrefix, version: VERSION_NEUTRAL })(MountedAssistController);
  for (const decorate of decorators) decorate(MountedAssistController);
  return MountedAssistController;
}
