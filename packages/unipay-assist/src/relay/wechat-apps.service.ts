import { Injectable, Optional } from '@nestjs/common';
import { UpstreamExchange } from '../exchange/code-exchange.service';
import { AssistException } from '../kernel/assist.exception';
import { AssistErrorCode } from '@unipay-assist/wire';
import { Merchant, WechatAppMode, wechatAppMode } from '../merchants/merchant';
import { WechatScope } from '../wechat/wechat-authorize-url';
import { WechatExchangeResult } from '../wechat/wechat-exchange-result';
import { WechatOAuthService } from '../wechat/wechat-oauth.service';
import { InjectWechatServiceProvider, ResolvedWechatServiceProvider } from '../wechat/wechat-service-provider.options';
import { ComponentAuthorizersService } from './component-authorizers.service';
import { ComponentTokenService } from './component-token.service';

/** The WeChat app a merchant's payers authorize, as resolved on this gateway. */
export interface ResolvedWechatApp {
  mode: WechatAppMode;
  /** The app the openIds belong to: the merchant's own, or the service provider's. */
  appId: string;
  /** The third-party platform's appid, in component mode. */
  componentAppId?: string;
}

/** errcodes that say the platform's token is no longer good: it is dropped, so the next exchange fetches another. */
const STALE_TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 42001]);

/**
 * One place that knows the three WeChat modes (docs/channels.md): the
 * merchant's own app; the gateway's service-provider app
 * (`wechatServiceProvider`); the merchant's app through the gateway's
 * third-party platform (`wechatComponent`). Each yields the authorize URL
 * and the one upstream call of an exchange; everything around the call
 * (idempotency, retry, breaker) stays the exchange's.
 */
@Injectable()
export class WechatAppsService {
  constructor(
    private readonly wechat: WechatOAuthService,
    // Optional: a construction without them (unit tests, ownAppsOnly) serves merchants' own apps, and 29321 for the other modes.
    @Optional()
    @InjectWechatServiceProvider()
    private readonly serviceProvider: ResolvedWechatServiceProvider | null = null,
    @Optional() private readonly componentTokens?: ComponentTokenService,
    @Optional() private readonly authorizers?: ComponentAuthorizersService,
  ) {}

  private get tokens(): ComponentTokenService {
    if (!this.componentTokens)
      throw new AssistException(
        AssistErrorCode.WECHAT_APP_UNAVAILABLE,
        'the merchant uses a WeChat third-party platform (viaComponent) and this gateway has none configured (wechatComponent)',
      );
    return this.componentTokens;
  }

  /** The merchant's app on this gateway; 29321 when its mode is not configured here. */
  appOf(merchant: Merchant): ResolvedWechatApp {
    const mode = wechatAppMode(merchant.wechat);
    if (mode === 'service-provider') return { mode, appId: this.spApp().appId };
    if (mode === 'component')
      return { mode, appId: merchant.wechat.appId as string, componentAppId: this.tokens.config().appId };
    return { mode, appId: merchant.wechat.appId as string };
  }

  authorizeUrl(merchant: Merchant, redirectUri: string, scope?: WechatScope, state?: string): string {
    const app = this.appOf(merchant);
    return this.wechat.authorizeUrl(app.appId, redirectUri, scope, state, app.componentAppId);
  }

  /** The exchange's upstream for one code: who to call, and what seals the cached result (the caller adds the scope). */
  upstream(merchant: Merchant, code: string, traceId: string): Omit<UpstreamExchange<WechatExchangeResult>, 'scope'> {
    const mode = wechatAppMode(merchant.wechat);
    if (mode === 'component') return this.componentUpstream(merchant.wechat.appId as string, code, traceId);
    const app =
      mode === 'service-provider'
        ? this.spApp()
        : { appId: merchant.wechat.appId as string, appSecret: merchant.wechat.appSecret as string };
    return { app, base: this.wechat.apiBase, call: () => this.wechat.exchangeCode(app, code) };
  }

  private componentUpstream(
    appId: string,
    code: string,
    traceId: string,
  ): Omit<UpstreamExchange<WechatExchangeResult>, 'scope'> {
    const component = this.tokens.config();
    return {
      // Results of the account's codes are sealed with the platform's secret: the relay holds no other for it.
      app: { appId, appSecret: component.appSecret },
      base: this.wechat.apiBase,
      metricChannel: 'wechat_component',
      call: async () => {
        if (await this.authorizers?.isRevoked(component.appId, appId)) {
          throw new AssistException(
            AssistErrorCode.COMPONENT_UNAUTHORIZED,
            `the official account ${appId} withdrew its authorization of the gateway's WeChat third-party platform; it must authorize it again`,
          );
        }
        const accessToken = await this.tokens.accessToken(traceId);
        const result = await this.wechat.exchangeCodeViaComponent(appId, code, { appId: component.appId, accessToken });
        if (result.ok || !STALE_TOKEN_ERRCODES.has(result.errcode)) return result;
        // WeChat checks the platform's token before the code: the code is unspent, so one try with a fresh token.
        await this.tokens.invalidate(accessToken, traceId);
        const fresh = await this.tokens.accessToken(traceId);
        return this.wechat.exchangeCodeViaComponent(appId, code, { appId: component.appId, accessToken: fresh });
      },
    };
  }

  private spApp(): ResolvedWechatServiceProvider {
    if (!this.serviceProvider) {
      throw new AssistException(
        AssistErrorCode.WECHAT_APP_UNAVAILABLE,
        "the merchant uses the service provider's WeChat app (serviceProvider) and this gateway has none configured (wechatServiceProvider)",
      );
    }
    return this.serviceProvider;
  }
}

/** A resolver for merchants' own apps only (a WechatCallback built without the module). */
export function ownAppsOnly(wechat: WechatOAuthService): WechatAppsService {
  return new WechatAppsService(wechat);
}
