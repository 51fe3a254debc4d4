import { Body, Controller, HttpCode, Post, Req, Type, UseFilters, UseGuards, UseInterceptors, UsePipes } from '@nestjs/common';
import { EnvelopeExceptionFilter } from '../envelope/envelope-exception.filter';
import { EnvelopeInterceptor } from '../envelope/envelope.interceptor';
import { AccessTokenData, AssistService, AuthUrlData } from './assist.service';
import { createAssistValidationPipe } from './assist-validation.pipe';
import { WxAccessTokenDto } from './dto/wx-access-token.dto';
import { WxAuthUrlDto } from './dto/wx-auth-url.dto';
import { requestContext } from './request-context';
import { SignatureGuard } from './signature.guard';
import { AssistIpThrottlerGuard, AssistMerchantThrottlerGuard } from '../rate-limit/assist-throttler.guard';

/**
 * DaxPay's unipay assist routes. Mounted under a prefix chosen by the host:
 * see createAssistController.
 */
// Per-IP limit first (cheap, before any crypto), then the sign, then the per-merchant limit (authenticated only).
@UseGuards(AssistIpThrottlerGuard, SignatureGuard, AssistMerchantThrottlerGuard)
@UseInterceptors(EnvelopeInterceptor)
@UseFilters(EnvelopeExceptionFilter)
@UsePipes(createAssistValidationPipe())
export class AssistController {
  constructor(protected readonly assist: AssistService) {}

  @Post('getWxAccessToken')
  @HttpCode(200)
  getWxAccessToken(@Body() dto: WxAccessTokenDto, @Req() req: object): Promise<AccessTokenData> {
    const ctx = requestContext(req);
    return this.assist.getWxAccessToken(ctx.merchant!, dto.code, ctx.traceId);
  }

  @Post('getWxAuthUrl')
  @HttpCode(200)
  getWxAuthUrl(@Body() dto: WxAuthUrlDto, @Req() req: object): AuthUrlData {
    return this.assist.getWxAuthUrl(requestContext(req).merchant!, dto);
  }
}

/**
 * A controller class bound to one prefix. A subclass per mount keeps the
 * prefix out of global metadata, so two mounts with different prefixes work.
 */
export function createAssistController(routePrefix: string): Type<AssistController> {
  class MountedAssistController extends AssistController {}
  Object.defineProperty(MountedAssistController, 'name', { value: 'AssistController' });
  Controller(routePrefix)(MountedAssistController);
  return MountedAssistController;
}
