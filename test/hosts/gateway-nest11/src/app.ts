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
import { HostAuthGuard, HostFilter, WrapInterceptor } from './host-kit';
import { AccountController, OrdersController, StatusController } from './orders.controller';

export type AdapterName = 'express' | 'fastify';
/** Where the gateway's catch-all is registered. */
export type FilterMode = 'APP_FILTER' | 'useGlobalFilters';

export interface GatewayOptions {
  adapter: AdapterName;
  filter: FilterMode;
  /** AssistModule.forRoot(...) or nothing: the same gateway runs with and without the relay. */
  imports?: (DynamicModule | Type<unknown>)[];
  /** More controllers (a signed route of the gateway's own needs the AssistModule import). */
  controllers?: Type<unknown>[];
}

/** Nest 11 (path-to-regexp 8) wants a named wildcard; `(.*)` is converted with a warning. */
export const RELAY_EXCLUDE = { path: 'unipay/assist/*path', method: RequestMethod.ALL };

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
      controllers: [OrdersController, AccountController, StatusController, ...(options.controllers ?? [])],
      providers,
    };
  }
}

/** The gateway's main.ts, minus listen. */
export async function createGateway(options: GatewayOptions): Promise<INestApplication> {
  const adapter = options.adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  const app = await NestFactory.create(AppModule.register(options), adapter, { logger: false, abortOnError: false });
  app.setGlobalPrefix('api', { exclude: [RELAY_EXCLUDE] });
  app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  if (options.filter === 'useGlobalFilters') app.useGlobalFilters(new HostFilter(app.get(HttpAdapterHost)));
  return app;
}
