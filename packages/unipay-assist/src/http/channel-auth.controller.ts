import {
  Controller,
  Get,
  Req,
  Res,
  SetMetadata,
  Type,
  UseFilters,
  UseGuards,
  UseInterceptors,
  VERSION_NEUTRAL,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ALIPAY_CALLBACK_PATH, DOUYIN_CALLBACK_PATH, WECHAT_CALLBACK_PATH } from '../relay/channel-auth/callback-paths';
import { AuthAndSetData, AuthData, AuthUrlData, OpenAuthData } from '../relay/channel-auth/channel-auth-data';
import { ChannelAuthService } from '../relay/channel-auth/channel-auth.service';
import { AssistRequestContext, requestContext } from '../kernel/request-context';
import { AssistIpThrottlerGuard, AssistMerchantThrottlerGuard } from '../rate-limit/assist-throttler.guard';
import { AssistBody } from './assist-body.decorator';
import { AssistContext } from './assist-context.decorator';
import { AssistQuery } from './assist-query.decorator';
import { replyBrowser } from './auth-page.reply';
import { CHANNEL_AUTH_PATH, ChannelAuthPost, ChannelAuthSignedGet } from './channel-auth-route.decorator';
import { AuthCodeDto } from './dto/auth-code.dto';
import { ChannelAuthJumpDto } from './dto/channel-auth-jump.dto';
import { GenerateAuthUrlDto } from './dto/generate-auth-url.dto';
import { EnvelopeInterceptor } from './envelope/envelope.interceptor';
import { AuthPageFilter } from './filters/auth-page.filter';
import { EnvelopeExceptionFilter } from './filters/envelope-exception.filter';
import { QuerySignatureGuard } from './guards/query-signature.guard';
import { SignatureGuard } from './guards/signature.guard';
import { readQuery } from './request-query';
import { createAssistValidationPipe } from './assist-validation.pipe';
import { openAuth } from './open/open-auth.handler';

/**
 * DaxPay 3.0's channel auth (`ChannelAuthController`, tag 3.0.0), signed both
 * ways on all three routes (3.0.0 verifies only generateAuthUrl and signs
 * none), answered in the merchant's dialect. Same guards, interceptor and
 * filter as the AssistController.
 */
@UseGuards(AssistIpThrottlerGuard, SignatureGuard, AssistMerchantThrottlerGuard)
@UseInterceptors(EnvelopeInterceptor)
@UseFilters(EnvelopeExceptionFilter)
export class ChannelAuthController {
  private readonly validation = createAssistValidationPipe();

  constructor(protected readonly channelAuth: ChannelAuthService) {}

  @ChannelAuthPost('generateAuthUrl', GenerateAuthUrlDto)
  generateAuthUrl(
    @AssistBody() dto: GenerateAuthUrlDto,
    @AssistContext() ctx: AssistRequestContext,
  ): Promise<AuthUrlData> {
    return this.channelAuth.generateAuthUrl(ctx, dto);
  }

  /**
   * Validated here rather than by @AssistBody: under the default prefixes this
   * path is DaxPay Open's `auth` too, and a request the guard handed to the
   * Open checks (ctx.open) has the Open param, typed and verified there.
   */
  @ChannelAuthPost('auth', AuthCodeDto)
  async auth(
    @Req() req: { body?: unknown },
    @AssistContext() ctx: AssistRequestContext,
  ): Promise<AuthData | OpenAuthData> {
    if (ctx.open) return openAuth(this.channelAuth, ctx);
    const dto = (await this.validation.transform(req.body, { type: 'body', metatype: AuthCodeDto })) as AuthCodeDto;
    return this.channelAuth.auth(ctx, dto);
  }

  @ChannelAuthPost('authAndSet', AuthCodeDto)
  authAndSet(@AssistBody() dto: AuthCodeDto, @AssistContext() ctx: AssistRequestContext): Promise<AuthAndSetData> {
    return this.channelAuth.authAndSet(ctx, dto);
  }
}

/**
 * The hosted flow's browser routes: WeChat's redirect to the gateway
 * (unsigned: WeChat does not sign, the minted state is the check) and the
 * signed jump link. They answer HTML pages and redirects, so the JSON
 * envelope stays off them; errors become pages (AuthPageFilter).
 */
@UseFilters(AuthPageFilter)
export class ChannelAuthPagesController {
  constructor(
    protected readonly channelAuth: ChannelAuthService,
    protected readonly adapterHost: HttpAdapterHost,
  ) {}

  @Get(WECHAT_CALLBACK_PATH)
  @UseGuards(AssistIpThrottlerGuard)
  async wechatCallback(
    @Req() req: { headers: Record<string, unknown>; url?: string; originalUrl?: string },
    @Res() res: object,
  ): Promise<void> {
    const ctx = requestContext(req);
    const query = readQuery(req);
    const outcome = await this.channelAuth.wechatCallback(
      { code: query.code, state: query.state },
      ctx,
      req.headers.cookie,
    );
    replyBrowser(this.adapterHost.httpAdapter, res, outcome, ctx.traceId);
  }

  /** Alipay's redirect to the gateway (`auth_code`, `state`): unsigned like WeChat's, the minted state is the check. */
  @Get(ALIPAY_CALLBACK_PATH)
  @UseGuards(AssistIpThrottlerGuard)
  async alipayCallback(
    @Req() req: { headers: Record<string, unknown>; url?: string; originalUrl?: string },
    @Res() res: object,
  ): Promise<void> {
    const ctx = requestContext(req);
    const query = readQuery(req);
    const outcome = await this.channelAuth.alipayCallback(
      { auth_code: query.auth_code, state: query.state },
      ctx,
      req.headers.cookie,
    );
    replyBrowser(this.adapterHost.httpAdapter, res, outcome, ctx.traceId);
  }

  /** Douyin's redirect after the silent authorization (`code`, `state`): unsigned, the minted state is the check. */
  @Get(DOUYIN_CALLBACK_PATH)
  @UseGuards(AssistIpThrottlerGuard)
  async douyinCallback(
    @Req() req: { headers: Record<string, unknown>; url?: string; originalUrl?: string },
    @Res() res: object,
  ): Promise<void> {
    const ctx = requestContext(req);
    const query = readQuery(req);
    const outcome = await this.channelAuth.douyinCallback(
      { code: query.code, state: query.state },
      ctx,
      req.headers.cookie,
    );
    replyBrowser(this.adapterHost.httpAdapter, res, outcome, ctx.traceId);
  }

  @ChannelAuthSignedGet('jump', ChannelAuthJumpDto)
  @UseGuards(AssistIpThrottlerGuard, QuerySignatureGuard, AssistMerchantThrottlerGuard)
  async jump(
    @AssistQuery() dto: ChannelAuthJumpDto,
    @Req() req: { headers: Record<string, unknown>; url?: string; originalUrl?: string },
    @Res() res: object,
  ): Promise<void> {
    const ctx = requestContext(req);
    const outcome = await this.channelAuth.jump(
      ctx,
      dto,
      req.headers['user-agent'],
      this.selfUrl(req),
      req.headers.cookie,
    );
    replyBrowser(this.adapterHost.httpAdapter, res, outcome, ctx.traceId);
  }

  /** The jump link as the payer should open it in WeChat: the gateway's public URL, never the request's Host header. */
  private selfUrl(req: { url?: string; originalUrl?: string }): string {
    const url = req.originalUrl ?? req.url ?? '';
    const query = url.indexOf('?') < 0 ? '' : url.slice(url.indexOf('?'));
    return `${this.channelAuth.publicRouteUrl(`${CHANNEL_AUTH_PATH}/jump`) ?? ''}${query}`;
  }
}

/**
 * The two channel-auth controllers bound to one prefix, as createAssistController
 * does: a subclass per mount, version-neutral, the host's class decorators applied.
 */
export function createChannelAuthControllers(
  routePrefix: string,
  decorators: readonly ClassDecorator[] = [],
): Type<unknown>[] {
  class MountedChannelAuthController extends ChannelAuthController {}
  Object.defineProperty(MountedChannelAuthController, 'name', { value: 'ChannelAuthController' });
  class MountedChannelAuthPagesController extends ChannelAuthPagesController {}
  Object.defineProperty(MountedChannelAuthPagesController, 'name', { value: 'ChannelAuthPagesController' });
  const mounted = [MountedChannelAuthController, MountedChannelAuthPagesController];
  for (const target of mounted) {
    Controller({ path: routePrefix, version: VERSION_NEUTRAL })(target);
    for (const decorate of decorators) decorate(target);
  }
  // The browser routes answer pages and redirects, not the envelope: out of a host's OpenAPI document
  // (the metadata @nestjs/swagger's ApiExcludeController writes; that package stays an optional peer).
  // The POST routes are in it, described by documentAssistRoutes.
  SetMetadata(SWAGGER_EXCLUDE_CONTROLLER, [true])(MountedChannelAuthPagesController);
  return mounted;
}

const SWAGGER_EXCLUDE_CONTROLLER = 'swagger/apiExcludeController';
