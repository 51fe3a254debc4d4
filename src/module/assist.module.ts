import { HttpModule } from '@nestjs/axios';
import { DynamicModule, Module, Provider } from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost } from '@nestjs/core';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { EnvelopeExceptionFilter } from '../http/filters/envelope-exception.filter';
import { RouteErrorsFilter } from '../http/filters/route-errors.filter';
import { AssistMetrics, NoopAssistMetrics } from '../kernel/assist.metrics';
import { MerchantProvider } from '../merchants/merchant.provider';
import { normalizeMerchants } from '../merchants/normalize-merchant';
import { StaticMerchantProvider } from '../merchants/static-merchant.provider';
import { MemoryReplayStore } from '../replay/memory-replay.store';
import { RedisReplayStore } from '../replay/redis-replay.store';
import { ReplayStore } from '../replay/replay.store';
import { AssistRedis, createAssistRedis } from '../redis/assist-redis';
import { AssistRedisLifecycle } from '../redis/assist-redis.lifecycle';
import { RATE_LIMIT_PROVIDERS } from '../rate-limit/rate-limit.providers';
import { WechatOAuthService } from '../wechat/wechat-oauth.service';
import { CodeExchangeService } from '../exchange/code-exchange.service';
import { ExchangeCache } from '../exchange/exchange.cache';
import { MemoryExchangeCache } from '../exchange/memory-exchange.cache';
import { RedisExchangeCache } from '../exchange/redis-exchange.cache';
import { createAssistController } from '../http/assist.controller';
import { AssistLogger } from '../kernel/assist.logger';
import {
  ASSIST_ASYNC_OPTIONS_TYPE,
  ASSIST_MODULE_OPTIONS,
  ASSIST_OPTIONS_TYPE,
  AssistConfigurableModule,
} from './assist.module-definition';
import { AssistModuleExtras, AssistModuleOptions, DEFAULT_ROUTE_PREFIX } from './assist.options';
import { AssistService } from '../http/assist.service';
import { SignatureGuard } from '../http/guards/signature.guard';

type AssistRedisClient = ReturnType<typeof createAssistRedis>;

/**
 * The relay as one import:
 * `AssistModule.forRoot({ merchants })` or
 * `AssistModule.forRootAsync({ imports: [ConfigModule.forFeature(assistConfig)], inject: [ConfigService], useFactory: ... })`.
 */
@Module({
  imports: [
    // Keep-alive to WeChat: one TCP/TLS handshake per socket, not per exchange.
    HttpModule.register({
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 64 }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
    }),
  ],
  providers: [
    AssistLogger,
    AssistService,
    WechatOAuthService,
    SignatureGuard,
    EnvelopeExceptionFilter,
    // Redis when REDIS_URL is set (shared by every instance), memory otherwise.
    {
      provide: ReplayStore,
      inject: [AssistRedis, ASSIST_MODULE_OPTIONS],
      useFactory: (redis: AssistRedisClient, options: AssistModuleOptions) =>
        redis ? new RedisReplayStore(redis, { keyPrefix: options.redisKeyPrefix }) : new MemoryReplayStore(),
    },
    AssistRedisLifecycle,
    ...RATE_LIMIT_PROVIDERS,
    // Idempotent exchange: shared claim and results in Redis when REDIS_URL is set.
    {
      provide: ExchangeCache,
      inject: [AssistRedis, ASSIST_MODULE_OPTIONS],
      useFactory: (redis: AssistRedisClient, options: AssistModuleOptions) =>
        redis ? new RedisExchangeCache(redis, { keyPrefix: options.redisKeyPrefix }) : new MemoryExchangeCache(),
    },
    CodeExchangeService,
    {
      provide: AssistMetrics,
      inject: [ASSIST_MODULE_OPTIONS],
      useFactory: (options: AssistModuleOptions) => options.metrics ?? new NoopAssistMetrics(),
    },
  ],
  exports: [WechatOAuthService, MerchantProvider, ReplayStore, ASSIST_MODULE_OPTIONS],
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
  const merchantProvider: Provider = extras.merchantProvider
    ? { provide: MerchantProvider, useClass: extras.merchantProvider }
    : {
        provide: MerchantProvider,
        inject: [ASSIST_MODULE_OPTIONS],
        // Throws a MerchantConfigError at start, naming merchant and field.
        useFactory: (options: AssistModuleOptions) =>
          new StaticMerchantProvider(normalizeMerchants(options.merchants)),
      };
  return {
    ...definition,
    global: extras.isGlobal ?? false,
    controllers: [createAssistController(routePrefix)],
    providers: [
      ...(definition.providers ?? []),
      merchantProvider,
      {
        provide: AssistRedis,
        inject: [ASSIST_MODULE_OPTIONS],
        useFactory: (options: AssistModuleOptions) => createAssistRedis(options.redisUrl),
      },
      {
        provide: APP_FILTER,
        inject: [HttpAdapterHost, AssistLogger, AssistMetrics],
        useFactory: (adapterHost: HttpAdapterHost, logger: AssistLogger, metrics: AssistMetrics) =>
          new RouteErrorsFilter(adapterHost, logger, routePrefix, metrics),
      },
    ],
  };
}
