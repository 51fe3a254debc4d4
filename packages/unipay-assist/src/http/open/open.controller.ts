import { Controller, Type, UseFilters, UseGuards, UseInterceptors, VERSION_NEUTRAL } from '@nestjs/common';
import { AssistRequestContext } from '../../kernel/request-context';
import { AssistContext } from '../assist-context.decorator';
import { trustedMerchant } from '../../merchants/trusted-merchant';
import { AssistIpThrottlerGuard, AssistMerchantThrottlerGuard } from '../../rate-limit/assist-throttler.guard';
import { ChannelAuthService } from '../../relay/channel-auth/channel-auth.service';
import { AuthAndSetData, OpenAuthData, OpenAuthUrlData } from '../../relay/channel-auth/channel-auth-data';
import { AssistException } from '../../kernel/assist.exception';
import { OpenAuthCodeDto } from './dto/open-auth-code.dto';
import { OpenGenerateAuthUrlDto } from './dto/open-generate-auth-url.dto';
import { OpenPingDto } from './dto/open-ping.dto';
import { OpenEnvelopeInterceptor } from './open-envelope.interceptor';
import { OpenExceptionFilter } from './open-exception.filter';
import { openAuthChannel } from './open-channel';
import { OpenPost } from './open-route.decorator';
import { OPEN_AUTH_PATH, openAuth } from './open-auth.handler';
import { OpenSignatureGuard } from './open-signature.guard';

/** DaxPay Open's PingResult. */
export type OpenPingData = { code: 0; mchNo: string; appId?: string; appFromDefault: boolean; serverSignStr: string };

/**
 * DaxPay Open's signed JSON routes at its own paths (below the Open prefix,
 * the gateway root by default): the signed ping and channel auth. The guard
 * has typed and verified the request; handlers read it from the request context.
 */
@UseGuards(AssistIpThrottlerGuard, OpenSignatureGuard, AssistMerchantThrottlerGuard)
@UseInterceptors(OpenEnvelopeInterceptor)
@UseFilters(OpenExceptionFilter)
export class OpenController {
  constructor(protected readonly channelAuth: ChannelAuthService) {}

  @OpenPost('unipay/ping', OpenPingDto)
  ping(@AssistContext() ctx: AssistRequestContext): OpenPingData {
    const merchant = trustedMerchant(ctx);
    const asked =
      typeof ctx.open?.fields?.appId === 'string' && ctx.open.fields.appId.trim() !== ''
        ? ctx.open.fields.appId
        : undefined;
    const appId = asked ?? merchant.appId;
    return {
      code: 0,
      mchNo: merchant.mchNo,
      ...(appId !== undefined && { appId }),
      appFromDefault: asked === undefined && appId !== undefined,
      serverSignStr: ctx.open?.signString ?? '',
    };
  }

  @OpenPost('unipay/assist/channel/auth/generate-auth-url', OpenGenerateAuthUrlDto)
  generateAuthUrl(@AssistContext() ctx: AssistRequestContext): Promise<OpenAuthUrlData> {
    const f = fieldsOf(ctx.open?.fields);
    return this.channelAuth.openGenerateAuthUrl(ctx, {
      channel: openAuthChannel(f.channel, f.authType),
      returnPath: f.returnPath,
    });
  }

  @OpenPost('unipay/assist/channel/auth/auth-and-set', OpenAuthCodeDto)
  authAndSet(@AssistContext() ctx: AssistRequestContext): Promise<AuthAndSetData> {
    const f = fieldsOf(ctx.open?.fields);
    return this.channelAuth.openAuthAndSet(ctx, {
      channel: openAuthChannel(f.channel, f.authType),
      authCode: f.authCode,
      authToken: f.authToken,
      queryCode: f.queryCode,
    });
  }
}

/**
 * DaxPay Open's `auth`, alone in its class: under the default prefixes DaxPay
 * 3.0's `auth` route already answers this path (and hands Open merchants to
 * the Open wire), so this one is mounted only when the prefixes differ.
 */
@UseGuards(AssistIpThrottlerGuard, OpenSignatureGuard, AssistMerchantThrottlerGuard)
@UseInterceptors(OpenEnvelopeInterceptor)
@UseFilters(OpenExceptionFilter)
export class OpenAuthController {
  constructor(protected readonly channelAuth: ChannelAuthService) {}

  @OpenPost(OPEN_AUTH_PATH, OpenAuthCodeDto)
  auth(@AssistContext() ctx: AssistRequestContext): Promise<OpenAuthData> {
    return openAuth(this.channelAuth, ctx);
  }
}

/** The typed request's string fields (every Open param field is a string). */
export function fieldsOf(fields: Record<string, unknown> | undefined): Record<string, string | undefined> {
  if (!fields) throw new AssistException(10001, 'Open route reached without the OpenSignatureGuard');
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(fields)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** The Open controllers bound to one prefix (the gateway root by default), version-neutral, with the host's class decorators. */
export function mountOpenController<T>(
  target: Type<T>,
  prefix: string,
  decorators: readonly ClassDecorator[],
): Type<T> {
  Controller({ path: prefix, version: VERSION_NEUTRAL })(target);
  for (const decorate of decorators) decorate(target);
  return target;
}
