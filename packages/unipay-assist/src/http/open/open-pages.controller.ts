import { Get, Param, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WechatAppsService } from '../../relay/wechat-apps.service';
import { InjectOpenOptions, MP_VERIFY_CODE, ResolvedOpenOptions } from '../../daxpay-open/open.options';
import { AssistException } from '../../kernel/assist.exception';
import { AssistRequestContext } from '../../kernel/request-context';
import { AssistContext } from '../assist-context.decorator';
import { trustedMerchant } from '../../merchants/trusted-merchant';
import { AssistIpThrottlerGuard, AssistMerchantThrottlerGuard } from '../../rate-limit/assist-throttler.guard';
import { ChannelAuthService } from '../../relay/channel-auth/channel-auth.service';
import { replyBrowser } from '../auth-page.reply';
import { OpenAuthDto } from './dto/open-auth.dto';
import { OpenExceptionFilter } from './open-exception.filter';
import { openLinkChannel } from './open-channel';
import { fieldsOf } from './open.controller';
import { OpenSignedGet } from './open-route.decorator';
import { OpenSignatureGuard } from './open-signature.guard';

/** DaxPay Open's callback self-check answers exactly this text. */
export const OPEN_CALLBACK_PING = 'daxpay-ping:unipay-callback';

/**
 * DaxPay Open's browser and plain-text routes: the callback self-check, the
 * signed get-openid link (a 302; its errors are signed JSON, as DaxPay Open's
 * are JSON), and WeChat's domain-verification files.
 */
@UseFilters(OpenExceptionFilter)
export class OpenPagesController {
  constructor(
    protected readonly channelAuth: ChannelAuthService,
    protected readonly adapterHost: HttpAdapterHost,
    @InjectOpenOptions() protected readonly open: ResolvedOpenOptions,
    protected readonly wechatApps: WechatAppsService,
  ) {}

  @Get('unipay/callback/ping')
  callbackPing(@Res() res: object): void {
    const adapter = this.adapterHost.httpAdapter;
    adapter.setHeader(res, 'Content-Type', 'text/plain; charset=utf-8');
    adapter.reply(res, OPEN_CALLBACK_PING, 200);
  }

  @OpenSignedGet('unipay/open/auth/get-openid', OpenAuthDto)
  @UseGuards(AssistIpThrottlerGuard, OpenSignatureGuard, AssistMerchantThrottlerGuard)
  async getOpenId(
    @AssistContext() ctx: AssistRequestContext,
    @Req() req: { headers: Record<string, unknown> },
    @Res() res: object,
  ): Promise<void> {
    const f = fieldsOf(ctx.open?.fields);
    const channel = openLinkChannel(f.authType ?? '');
    const merchant = trustedMerchant(ctx);
    if (channel === 'wechat_pay') {
      if (f.wxAppId === undefined || f.wxAppId.trim() === '')
        throw AssistException.invalidField('wxAppId', 'is required when authType is wechat');
      // The app the payer's openId will belong to: the merchant's own, or the gateway's service-provider app.
      if (f.wxAppId !== this.wechatApps.appOf(merchant).appId)
        throw AssistException.invalidField('wxAppId', "is not this merchant's WeChat app");
    }
    const outcome = await this.channelAuth.openGetOpenId(
      ctx,
      { channel, redirectUrl: f.redirectUrl ?? '' },
      req.headers.cookie,
    );
    replyBrowser(this.adapterHost.httpAdapter, res, outcome, ctx.traceId);
  }

  /** `MP_verify_<code>.txt` from configuration; an unknown code is a plain 404, as a missing file is. */
  @Get('MP_verify_:code.txt')
  @UseGuards(AssistIpThrottlerGuard)
  mpVerify(@Param('code') code: string, @Res() res: object): void {
    const adapter = this.adapterHost.httpAdapter;
    const contents = MP_VERIFY_CODE.test(code) ? this.open.mpVerifyFiles.get(code) : undefined;
    adapter.setHeader(res, 'Content-Type', 'text/plain; charset=utf-8');
    adapter.setHeader(res, 'Cache-Control', 'no-store');
    adapter.reply(res, contents ?? 'not found', contents === undefined ? 404 : 200);
  }
}
