import { Injectable, Optional } from '@nestjs/common';
import { AssistErrorCode } from '@unipay-assist/wire';
import { AssistException } from '../../kernel/assist.exception';
import { AssistLogger, LogFields } from '../../kernel/assist.logger';
import { AssistRequestContext } from '../../kernel/request-context';
import { Merchant } from '../../merchants/merchant';
import { AlipayRelayService } from '../alipay-relay.service';
import { ALIPAY_CALLBACK_PATH } from './callback-paths';
import { ChannelCallback, IdentityOutcome } from './channel-callback';

/**
 * Alipay's side of a hosted flow: the authorize page of the merchant's
 * Alipay app, and the callback's `auth_code` exchanged (through
 * AlipayRelayService's idempotent exchange) into user_id and/or open_id.
 */
@Injectable()
export class AlipayCallback implements ChannelCallback {
  readonly label = 'Alipay';
  readonly missingCode = 'an auth code';
  readonly callbackPath = ALIPAY_CALLBACK_PATH;
  readonly logTag: LogFields = { channel: 'ali_pay' };

  constructor(
    private readonly logger: AssistLogger,
    // Optional so a WeChat-only construction (unit tests) works; the module always provides it.
    @Optional() private readonly alipay?: AlipayRelayService,
  ) {}

  /** Alipay has no explicit refusal: a payer who refuses comes back with the state and no auth_code. */
  declined(rawCode: string | undefined): boolean {
    return rawCode === undefined;
  }

  serves(merchant: Merchant): boolean {
    return merchant.alipay !== undefined && this.alipay !== undefined;
  }

  authorizeUrl(merchant: Merchant, redirectUri: string, state: string): string {
    // Only reached for a channel the merchant is served (serves): a caller that skipped the check gets 29401.
    if (!merchant.alipay || !this.alipay) {
      throw new AssistException(
        AssistErrorCode.CHANNEL_AUTH_UNSUPPORTED,
        'channel ali_pay: the merchant has no Alipay app configured (merchant alipay)',
      );
    }
    return this.alipay.authorizeUrl(merchant.alipay, redirectUri, undefined, state);
  }

  codeScope(merchant: Merchant): string {
    return `alipay:${merchant.alipay?.appId ?? ''}`;
  }

  /** A refusal is `ok: false` with Alipay's reason; so is a flow whose merchant no longer has an Alipay app. */
  async identify(merchant: Merchant, code: string, ctx: AssistRequestContext, scope: string): Promise<IdentityOutcome> {
    if (!merchant.alipay || !this.alipay)
      return { ok: false, msg: 'the merchant has no Alipay app configured (merchant alipay)' };
    const identity = await this.alipay.exchangeAuthCode(merchant.alipay, code, ctx.traceId, scope);
    if (!identity.ok) {
      this.logger.warn(ctx.traceId, 'alipay.refused', {
        mchNo: merchant.mchNo,
        subCode: identity.subCode,
        code: identity.codeDigest,
      });
      return { ok: false, msg: identity.reason };
    }
    ctx.answered = { event: 'alipay.exchanged', fields: { code: identity.codeDigest, source: identity.source } };
    return {
      ok: true,
      identity: {
        ...(identity.userId !== undefined && { userId: identity.userId }),
        ...(identity.openId !== undefined && { openId: identity.openId }),
      },
    };
  }
}
