import { HttpModule } from '@nestjs/axios';
import { DynamicModule, Module } from '@nestjs/common';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { ChannelAuthService } from '../relay/channel-auth/channel-auth.service';
import { ChannelAuthStore } from '../channel-auth/channel-auth.store';
import { CodeExchangeService } from '../exchange/code-exchange.service';
import { ExchangeCache } from '../exchange/exchange.cache';
import { WechatRelayService } from '../relay/wechat-relay.service';
import { createAssistController } from '../http/assist.controller';
import { createChannelAuthControllers } from '../http/channel-auth.controller';
import { AuthPageFilter } from '../http/filters/auth-page.filter';
import { QuerySignatureGuard } from '../http/guards/query-signature.guard';
import { EnvelopeInterceptor } from '../http/envelope/envelope.interceptor';
import { EnvelopeExceptionFilter } from '../http/filters/envelope-exception.filter';
import { PreRouteErrors } from '../http/filters/pre-route-errors';
import { ASSIST_ROUTE_PREFIX } from '../kernel/route-prefix';
import { SignatureGuard } from '../http/guards/signature.guard';
import { AssistLogger } from '../kernel/assist.logger';
import { AssistMetrics } from '../kernel/assist.metrics';
import { ASSIST_CLOCK } from '../kernel/clock';
import { MerchantProvider } from '../merchants/merchant.provider';
import { RATE_LIMIT_PROVIDERS } from './rate-limit.providers';
import { CHANNEL_AUTH_PROVIDERS } from './channel-auth.providers';
import { AssistRedis } from '../redis/assist-redis';
import { AssistRedisLifecycle } from '../redis/assist-redis.lifecycle';
import { ReplayAnswers } from '../replay/replay-answers';
import { ReplayStore } from '../replay/replay.store';
import { WechatOAuthService } from '../wechat/wechat-oauth.service';
import { AlipayRelayService } from '../relay/alipay-relay.service';
import { MiniProgramRelayService } from '../relay/mini-program-relay.service';
import { WechatAppsService } from '../relay/wechat-apps.service';
import { ComponentTokenService } from '../relay/component-token.service';
import { ComponentAuthorizersService } from '../relay/component-authorizers.service';
import { ComponentEventsService } from '../relay/component-events.service';
import { createComponentEventsController } from '../http/component-events.controller';
import { XmlBodyParser } from '../http/xml-body.parser';
import { DouyinOAuthService } from '../douyin/douyin-oauth.service';
import { ComponentStore } from '../wechat-component/component.store';
import {
  ASSIST_ASYNC_OPTIONS_TYPE,
  ASSIST_MODULE_OPTIONS,
  ASSIST_OPTIONS_TYPE,
  AssistConfigurableModule,
} from './assist.module-definition';
import { AssistModuleExtras, DEFAULT_ROUTE_PREFIX } from './assist.options';
import { ASSIST_OPTION_PROVIDERS, merchantProviderFor } from './assist.providers';
import { createOpenControllers, DEFAULT_OPEN_ROUTE_PREFIX } from '../http/open/open-controllers';
import { normalizePrefix } from '../http/route-paths';
import { OpenSignatureGuard } from '../http/open/open-signature.guard';
import { OpenEnvelopeInterceptor } from '../http/open/open-envelope.interceptor';
import { OpenExceptionFilter } from '../http/open/open-exception.filter';
import { upstreamHttpAdapter } from '../wechat/upstream-http.adapter';

/**
 * The relay as one import:
 * `AssistModule.forRootAsync(assistConfig.asProvider())`, or
 * `AssistModule.forRoot({ merchants })`. Registers nothing global: no
 * APP_FILTER, APP_GUARD, APP_PIPE or APP_INTERCEPTOR, so the host's own
 * routes behave as before the import.
 */
@Module({
  imports: [
    // Keep-alive to WeChat: one TCP/TLS handshake per socket, not per exchange. The adapter sends the
    // relay's calls with node:http and leaves any other shape to axios's own (upstream-http.adapter.ts).
    HttpModule.register({
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 64 }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
      adapter: upstreamHttpAdapter,
    }),
  ],
  providers: [
    ...ASSIST_OPTION_PROVIDERS,
    AssistLogger,
    WechatRelayService,
    WechatOAuthService,
    AlipayRelayService,
    MiniProgramRelayService,
    SignatureGuard,
    EnvelopeInterceptor,
    EnvelopeExceptionFilter,
    PreRouteErrors,
    AssistRedisLifecycle,
    ReplayAnswers,
    ...RATE_LIMIT_PROVIDERS,
    CodeExchangeService,
    ...CHANNEL_AUTH_PROVIDERS,
    QuerySignatureGuard,
    AuthPageFilter,
    WechatAppsService,
    ComponentTokenService,
    ComponentAuthorizersService,
    ComponentEventsService,
    XmlBodyParser,
    DouyinOAuthService,
    OpenSignatureGuard,
    OpenEnvelopeInterceptor,
    OpenExceptionFilter,
  ],
  // What a host's own route behind `@UseGuards(SignatureGuard) @UseInterceptors(EnvelopeInterceptor)
  // @UseFilters(EnvelopeExceptionFilter)` needs, and the services a host may call.
  exports: [
    SignatureGuard,
    EnvelopeInterceptor,
    EnvelopeExceptionFilter,
    AssistLogger,
    AssistMetrics,
    ASSIST_CLOCK,
    MerchantProvider,
    ReplayStore,
    ReplayAnswers,
    ExchangeCache,
    AssistRedis,
    WechatOAuthService,
    AlipayRelayService,
    MiniProgramRelayService,
    CodeExchangeService,
    ChannelAuthService,
    ChannelAuthStore,
    WechatAppsService,
    ComponentTokenService,
    ComponentStore,
    ASSIST_MODULE_OPTIONS,
  ],
})
export class AssistModule extends AssistConfigurableModule {
  static forRoot(options: typeof ASSIST_OPTIONS_TYPE): DynamicModule {
    return mount(super.forRoot(options), options);
  }

  static forRootAsync(options: typeof ASSIST_ASYNC_OPTIONS_TYPE): DynamicModule {
    return mount(super.forRootAsync(options), options);
  }
}

function mount(definition: DynamicModule, extras: AssistModuleExtras): DynamicModule {
  const routePrefix = extras.routePrefix ?? DEFAULT_ROUTE_PREFIX;
  return {
    ...definition,
    global: extras.isGlobal ?? false,
    controllers: [
      createAssistController(routePrefix, extras.controllerDecorators),
      ...createChannelAuthControllers(routePrefix, extras.controllerDecorators),
      createComponentEventsController(routePrefix, extras.controllerDecorators),
      ...createOpenControllers(openPrefixOf(extras, routePrefix), routePrefix, extras.controllerDecorators),
    ],
    providers: [
      ...(definition.providers ?? []),
      merchantProviderFor(extras),
      { provide: ASSIST_ROUTE_PREFIX, useValue: routePrefix },
    ],
  };
}

/**
 * Where DaxPay Open's paths go: `openRoutePrefix` when given; otherwise the
 * gateway root for the mount at the default prefix, and nowhere for a mount
 * at another prefix (DaxPay Open's paths are absolute: two mounts in one app
 * would both claim them, and Fastify refuses a route declared twice).
 */
function openPrefixOf(extras: AssistModuleExtras, routePrefix: string): string | false {
  if (extras.openRoutePrefix !== undefined) return extras.openRoutePrefix;
  return normalizePrefix(routePrefix) === normalizePrefix(DEFAULT_ROUTE_PREFIX) ? DEFAULT_OPEN_ROUTE_PREFIX : false;
}
