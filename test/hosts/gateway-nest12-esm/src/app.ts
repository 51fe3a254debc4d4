import {
  DynamicModule,
  INestApplication,
  Module,
  Provider,
  RequestMethod,
  Type,
  ValidationPipe,
  VersioningType,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, HttpAdapterHost, NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { AdapterName, FilterMode } from './gateway-settings.js';
import { HostAuthGuard, HostFilter, WrapInterceptor } from './host-kit.js';
import { AccountController, HealthController, OrdersController, StatusController } from './orders.controller.js';

export interface GatewayOptions {
  adapter: AdapterName;
  filter: FilterMode;
  /** AssistModule.forRoot(...) or nothing: the same gateway runs with and without the relay. */
  imports?: (DynamicModule | Type<unknown>)[];
  /** More controllers (a signed route of the gateway's own needs the AssistModule import). */
  controllers?: Type<unknown>[];
}

/**
 * The gateway keeps the relay's routes and its own probe out of its `api`
 * prefix, as the README's global-prefix section says. NestJS 12 on Express
 * mounts its not-found handler on each excluded path (the third argument of
 * setNotFoundHandler), so a miss there is answered by the app, not by Express.
 */
export const PREFIX_EXCLUDE = [
  { path: 'unipay/assist/*path', method: RequestMethod.ALL },
  { path: 'health', method: RequestMethod.POST },
];

@Module({})
export class AppModule {
  static register(options: GatewayOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: APP_GUARD, useClass: HostAuthGuard },
      { provide: APP_INTERCEPTOR, useClass: WrapInterceptor },
    ];
    if (options.filter === 'APP_FILTER') providers.push({ provide: APP_FILTER, useClass: HostFilter });
    return {
      module: AppModule,
      imports: options.imports ?? [],
      controllers: [
        OrdersController,
        AccountController,
        StatusController,
        HealthController,
        ...(options.controllers ?? []),
      ],
      providers,
    };
  }
}

const adapterOf = (name: AdapterName) => (name === 'fastify' ? new FastifyAdapter() : new ExpressAdapter());

/** The gateway's main.ts, minus listen. */
export async function createGateway(options: GatewayOptions): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.register(options), adapterOf(options.adapter), {
    logger: ['error'],
    abortOnError: false,
  });
  app.setGlobalPrefix('api', { exclude: PREFIX_EXCLUDE });
  app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  if (options.filter === 'useGlobalFilters') app.useGlobalFilters(new HostFilter(app.get(HttpAdapterHost)));
  return app;
}

/** The module alone in an app with nothing of its own: what the relay answers when no host is in the way. */
export async function createBareRelay(adapter: AdapterName, assist: DynamicModule): Promise<INestApplication> {
  @Module({ imports: [assist] })
  class BareModule {}
  return NestFactory.create(BareModule, adapterOf(adapter), { logger: ['error'], abortOnError: false });
}
