import { Injectable, Optional } from '@nestjs/common';
import { AssistErrorCode, mask } from '@unipay-assist/wire';
import { DouyinOAuthService } from '../../douyin/douyin-oauth.service';
import { CodeExchangeService } from '../../exchange/code-exchange.service';
import { AssistException } from '../../kernel/assist.exception';
import { AssistLogger, LogFields } from '../../kernel/assist.logger';
import { AssistRequestContext } from '../../kernel/request-context';
import { Merchant } from '../../merchants/merchant';
import { DOUYIN_CALLBACK_PATH } from './callback-paths';
import { ChannelCallback, IdentityOutcome } from './channel-callback';

/**
 * Douyin's side of a hosted flow: the silent_auth page of the merchant's
 * Douyin app, and the callback's code exchanged into open_id and access
 * token through the idempotent exchange, with Douyin's own breaker and
 * metrics channel.
 */
@Injectable()
export class DouyinCallback implements ChannelCallback {
  readonly label = 'Douyin';
  readonly missingCode = 'an authorization code';
  readonly callbackPath = DOUYIN_CALLBACK_PATH;
  readonly logTag: LogFields = { channel: 'douyin' };
  // Douyin redirects only to the registered redirect_uri, query-less: a merchant page cannot receive its code.
  readonly authPathRefused =
    "is not available for channel douyin: Douyin's redirect_uri must be the registered one, without a query (omit authPath: the gateway's callback)";

  constructor(
    private readonly exchanges: CodeExchangeService,
    private readonly logger: AssistLogger,
    // Optional so a WeChat-only construction (unit tests) works; the module always provides it.
    @Optional() private readonly douyin?: DouyinOAuthService,
  ) {}

  /** Douyin's silent authorization has no consent to decline: no code means Douyin could not authorize. */
  declined(): boolean {
    return false;
  }

  serves(merchant: Merchant): boolean {
    return merchant.douyin !== undefined && this.douyin !== undefined;
  }

  authorizeUrl(merchant: Merchant, redirectUri: string, state: string): string {
    // Only reached for a channel the merchant is served (serves): a caller that skipped the check gets 29401.
    if (!merchant.douyin || !this.douyin) {
      throw new AssistException(
        AssistErrorCode.CHANNEL_AUTH_UNSUPPORTED,
        'channel douyin: the merchant has no Douyin app configured (merchant douyin)',
      );
    }
    return this.douyin.authorizeUrl(merchant.douyin, redirectUri, state);
  }

  codeScope(merchant: Merchant): string {
    return `douyin:${merchant.douyin?.clientKey ?? ''}`;
  }

  /** A refusal is `ok: false` with Douyin's description; so is a flow whose merchant no longer has a Douyin app. */
  async identify(merchant: Merchant, code: string, ctx: AssistRequestContext, scope: string): Promise<IdentityOutcome> {
    const app = merchant.douyin;
    const douyin = this.douyin;
    if (!app || !douyin) return { ok: false, msg: 'the merchant has no Douyin app configured (merchant douyin)' };
    const upstream = {
      scope,
      // Prefixed: a Douyin client key never shares cache keys with a WeChat app id.
      app: { appId: `douyin:${app.clientKey}`, appSecret: app.clientSecret },
      base: douyin.apiBase,
      channel: 'Douyin',
      metricChannel: 'douyin' as const,
      breaker: 'douyin',
      call: () => douyin.exchangeCode(app, code),
    };
    const { result, codeDigest: digest, source } = await this.exchanges.exchange(upstream, code, ctx.traceId);
    if (!result.ok) {
      this.logger.warn(ctx.traceId, 'douyin.refused', { mchNo: merchant.mchNo, errcode: result.errcode, code: digest });
      return { ok: false, msg: result.reason };
    }
    ctx.answered = { event: 'douyin.exchanged', fields: { code: digest, openId: mask(result.token.openId), source } };
    return { ok: true, identity: { openId: result.token.openId, accessToken: result.token.accessToken } };
  }
}
