import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { CodeExchangeService, ExchangeSource } from '../exchange/code-exchange.service';
import { exchangeScope } from '../exchange/exchange-key';
import { AssistException } from '../kernel/assist.exception';
import { AssistLogger } from '../kernel/assist.logger';
import { AssistMetrics } from '../kernel/assist.metrics';
import { AssistErrorCode, AssistErrorCodeValue } from '@unipay-assist/wire';
import { mask } from '@unipay-assist/wire';
import { AssistRequestContext } from '../kernel/request-context';
import { AlipayApp } from '../merchants/merchant-channels';
import { trustedMerchant } from '../merchants/trusted-merchant';
import { MerchantProvider } from '../merchants/merchant.provider';
import { StaticMerchantProvider } from '../merchants/static-merchant.provider';
import { checkRedirectUrl } from '../merchants/redirect-hosts';
import { AlipayScope, buildAlipayAuthorizeUrl } from '../alipay/alipay-authorize-url';
import { ALIPAY_EXCHANGE_CODEC } from '../alipay/alipay-exchange-codec';
import {
  AlipayExchangeResult,
  AlipayTransportFailureKind,
  isAlipayTransportFailure,
} from '../alipay/alipay-exchange-result';
import { AlipayOAuthClient } from '../alipay/alipay-oauth.client';
import { loadAlipaySdk } from '../alipay/alipay-sdk.loader';
import { InjectAlipayOptions, ResolvedAlipayOptions } from '../alipay/alipay.options';

/** `getAlipayAuthUrl`'s business data. */
export type AlipayAuthUrlData = { code: 0; url: string } | { code: 1; msg: string };

/** `getAlipayUserId`'s business data: the ids the app has, never the access token; a refusal names the sub_code in msg. */
export type AlipayUserIdData = { code: 0; userId?: string; openId?: string } | { code: 1; msg: string };

/** One exchanged auth code, for any caller (the relay route, hosted channel auth). */
export type AlipayIdentity =
  | { ok: true; userId?: string; openId?: string; source: ExchangeSource; codeDigest: string }
  | { ok: false; code: string; subCode: string; reason: string; codeDigest: string };

/** Alipay's transport failures as the relay's envelope codes, the same numbers as WeChat's (the message names Alipay). */
const TRANSPORT_CODES: Readonly<Record<AlipayTransportFailureKind, AssistErrorCodeValue>> = {
  unreachable: AssistErrorCode.UPSTREAM_UNREACHABLE,
  timeout: AssistErrorCode.UPSTREAM_TIMEOUT,
  'http-error': AssistErrorCode.UPSTREAM_HTTP_ERROR,
  'bad-response': AssistErrorCode.UPSTREAM_BAD_RESPONSE,
  // An answer whose sign does not verify is not Alipay's answer as far as the relay can tell.
  'bad-signature': AssistErrorCode.UPSTREAM_BAD_RESPONSE,
};

export const NO_ALIPAY_APP = 'the merchant has no Alipay app configured (merchant alipay)';

/**
 * The Alipay channel: authorize URLs and `alipay.system.oauth.token` through
 * the idempotent exchange (same auth code, same answer, one call). Refusals
 * are business data; transport failures are AssistExceptions. No extra
 * retry: alipay-sdk's urllib already retries a failed connection once, and a
 * timeout is never retried. Never logs or returns the access token or the code.
 */
@Injectable()
export class AlipayRelayService implements OnModuleInit {
  // One SDK client per app and key pair: its construction parses the keys.
  private readonly clients = new Map<string, AlipayOAuthClient>();

  constructor(
    @InjectAlipayOptions() private readonly options: ResolvedAlipayOptions,
    private readonly exchanges: CodeExchangeService,
    private readonly logger: AssistLogger,
    @Inject(AssistMetrics) private readonly metrics: AssistMetrics,
    @Inject(MerchantProvider) private readonly merchants: MerchantProvider,
  ) {}

  /** Configured merchants with an Alipay app need the optional peer: a missing one fails the start, naming the merchant. */
  async onModuleInit(): Promise<void> {
    if (!(this.merchants instanceof StaticMerchantProvider)) return;
    const first = this.merchants.merchants.find((m) => m.alipay);
    if (first) await loadAlipaySdk(`merchant ${first.mchNo} alipay`);
  }

  /** The authorize page URL. The caller checks the redirect host. */
  authorizeUrl(app: AlipayApp, redirectUri: string, scope?: AlipayScope, state?: string): string {
    return buildAlipayAuthorizeUrl(this.options.openAuthBase, {
      appId: app.appId,
      redirectUri,
      scope: scope ?? app.scope,
      state,
    });
  }

  /**
   * One auth code to the payer's ids, idempotently for one `scope` (exchangeScope: the merchant and the use).
   * Throws AssistException (293xx) when Alipay gave no usable answer.
   */
  async exchangeAuthCode(app: AlipayApp, authCode: string, traceId: string, scope: string): Promise<AlipayIdentity> {
    const client = await this.clientFor(app);
    const upstream = {
      scope,
      // Prefixed: an Alipay app id never shares cache keys with a WeChat one.
      app: { appId: `alipay:${app.appId}`, appSecret: app.appPrivateKeyPem },
      base: this.options.gateway,
      retry: false,
      channel: 'Alipay',
      metricChannel: 'alipay' as const,
      codec: ALIPAY_EXCHANGE_CODEC,
      call: async (): Promise<AlipayExchangeResult> => {
        const result = await client.exchangeCode(authCode);
        if (isAlipayTransportFailure(result)) throw new AssistException(TRANSPORT_CODES[result.kind], result.reason);
        return result;
      },
    };
    const { result, source, codeDigest } = await this.exchanges.exchange(upstream, authCode, traceId);
    if (source !== 'wechat') this.metrics.exchangeReused(source);
    if (result.ok) {
      return {
        ok: true,
        source,
        codeDigest,
        ...(result.userId !== undefined && { userId: result.userId }),
        ...(result.openId !== undefined && { openId: result.openId }),
      };
    }
    // Transport failures were thrown in `call`: what is left is a refusal.
    const refusal = result as Extract<AlipayExchangeResult, { subCode: string }>;
    return { ok: false, code: refusal.code, subCode: refusal.subCode, reason: refusal.reason, codeDigest };
  }

  getAlipayAuthUrl(
    ctx: AssistRequestContext,
    dto: { url: string; state?: string; scope?: AlipayScope },
  ): AlipayAuthUrlData {
    const merchant = trustedMerchant(ctx);
    if (!merchant.alipay) return { code: 1, msg: NO_ALIPAY_APP };
    // Not an open redirector: only the merchant's own hosts (29062).
    const check = checkRedirectUrl(dto.url, merchant.redirectHosts);
    if (!check.ok) throw new AssistException(AssistErrorCode.REDIRECT_NOT_ALLOWED, `url: ${check.reason}`);
    return { code: 0, url: this.authorizeUrl(merchant.alipay, check.url, dto.scope, dto.state) };
  }

  async getAlipayUserId(ctx: AssistRequestContext, authCode: string): Promise<AlipayUserIdData> {
    const merchant = trustedMerchant(ctx);
    if (!merchant.alipay) return { code: 1, msg: NO_ALIPAY_APP };
    const identity = await this.exchangeAuthCode(
      merchant.alipay,
      authCode,
      ctx.traceId,
      exchangeScope(merchant, 'direct'),
    );
    if (!identity.ok) {
      this.logger.warn(ctx.traceId, 'alipay.refused', {
        mchNo: merchant.mchNo,
        subCode: identity.subCode,
        code: identity.codeDigest,
      });
      return { code: 1, msg: identity.reason };
    }
    ctx.answered = {
      event: 'alipay.exchanged',
      fields: {
        code: identity.codeDigest,
        ...(identity.userId !== undefined && { userId: mask(identity.userId) }),
        ...(identity.openId !== undefined && { openId: mask(identity.openId) }),
        source: identity.source,
      },
    };
    return {
      code: 0,
      ...(identity.userId !== undefined && { userId: identity.userId }),
      ...(identity.openId !== undefined && { openId: identity.openId }),
    };
  }

  private async clientFor(app: AlipayApp): Promise<AlipayOAuthClient> {
    // Keyed by a digest of the key too: a merchant store that rotates keys gets a fresh client.
    const key = `${app.appId}:${createHash('sha256').update(app.appPrivateKeyPem).update(app.alipayPublicKeyPem).digest('hex')}`;
    let client = this.clients.get(key);
    if (!client) {
      const sdk = await loadAlipaySdk('merchant alipay');
      if (this.clients.size >= 1024) this.clients.clear();
      client = new AlipayOAuthClient(
        { appId: app.appId, appPrivateKey: app.appPrivateKeyPem, alipayPublicKey: app.alipayPublicKeyPem },
        { gateway: this.options.gateway, timeoutMs: this.options.timeoutMs },
        sdk,
      );
      this.clients.set(key, client);
    }
    return client;
  }
}
