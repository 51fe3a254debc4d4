import { Body, Controller, HttpCode, Post, Req, Type, UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import { EnvelopeExceptionFilter } from './filters/envelope-exception.filter';
import { Envelope, SignedData } from './envelope/envelope';
import { signedEnvelope } from './envelope/envelope.interceptor';
import { AssistService } from './assist.service';
import { createAssistValidationPipe } from './assist-validation.pipe';
import { WxAccessTokenDto } from './dto/wx-access-token.dto';
import { WxAuthUrlDto } from './dto/wx-auth-url.dto';
import { requestContext } from '../kernel/request-context';
import { SignatureGuard } from './guards/signature.guard';
import { AssistIpThrottlerGuard, AssistMerchantThrottlerGuard } from '../rate-limit/assist-throttler.guard';

/**
 * DaxPay's unipay assist routes. Mounted under a prefix chosen by the host:
 * see createAssistController.
 */
// Per-IP limit first (cheap, before any crypto), then the sign, then the per-merchant limit (authenticated only).
// The handlers sign their own envelope (signedEnvelope): no interceptor on the hot path.
@UseGuards(AssistIpThrottlerGuard, SignatureGuard, AssistMerchantThrottlerGuard)
@UseFilters(EnvelopeExceptionFilter)
@UsePipes(createAssistValidationPipe())
export class AssistController {
  constructor(protected readonly assist: AssistService) {}

  @Post('getWxAccessToken')
  @HttpCode(200)
  async getWxAccessToken(@Body() dto: WxAccessTokenDto, @Req() req: object): Promise<Envelope<SignedData>> {
    const ctx = requestContext(req);
    return signedEnvelope(ctx, await this.assist.getWxAccessToken(ctx.merchant!, dto.code, ctx.traceId));
  }

  @Post('getWxAuthUrl')
  @HttpCode(200)
  getWxAuthUrl(@Body() dto: WxAuthUrlDto, @Req() req: object): Envelope<SignedData> {
    const ctx = requestContext(req);
    return signedEnvelope(ctx, this.assist.getWxAuthUrl(ctx.merchant!, dto));
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
