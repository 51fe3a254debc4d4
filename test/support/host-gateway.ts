import {
  ArgumentsHost,
  Body,
  CallHandler,
  CanActivate,
  Catch,
  ConflictException,
  Controller,
  DynamicModule,
  ExceptionFilter,
  ExecutionContext,
  Get,
  HttpException,
  INestApplication,
  Injectable,
  Module,
  NestInterceptor,
  Param,
  Post,
  Provider,
  RequestMethod,
  SetMetadata,
  Type,
  UnauthorizedException,
  ValidationPipe,
  VersioningType,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, HttpAdapterHost, NestFactory, Reflector } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { map, Observable } from 'rxjs';
import { AddressInfo } from 'node:net';
import type { HttpAdapterName } from '../../apps/demo/src/create-demo-app';

/*
 * A gateway as NestJS hosts are usually written, with all the global
 * machinery at once: a catch-all exception filter, a global ValidationPipe,
 * an auth guard letting through only @Public() routes, a response wrapper
 * skipped by @SkipWrap(), a global prefix and URI versioning. Nothing here
 * knows unipay-assist: the module is handed in, so the same host runs with
 * and without it. The packed-tarball fixture test/hosts/gateway-nest11 has
 * its own copy of these pieces (a separate project, built from the tarball).
 */

export const IS_PUBLIC = 'host:isPublic';
/** The host's marker for routes its auth guard lets through. */
export const Public = (): ClassDecorator & MethodDecorator => SetMetadata(IS_PUBLIC, true);

export const SKIP_WRAP = 'host:skipWrap';
/** The host's marker for routes its response wrapper leaves alone. */
export const SkipWrap = (): ClassDecorator & MethodDecorator => SetMetadata(SKIP_WRAP, true);

/** What the host's catch-all answers, whatever was thrown. */
export interface HostErrorBody {
  hostError: true;
  status: number;
  message: unknown;
}

/** The host's catch-all: its own error format on every path it owns. */
@Catch()
@Injectable()
export class HostFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const body: HostErrorBody = { hostError: true, status: statusOf(exception), message: messageOf(exception) };
    this.adapterHost.httpAdapter.reply(http.getResponse(), body, body.status);
  }
}

function statusOf(exception: unknown): number {
  if (exception instanceof HttpException) return exception.getStatus();
  // Fastify's body-parser errors are not HttpExceptions but carry their status.
  const status = (exception as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

function messageOf(exception: unknown): unknown {
  if (exception instanceof HttpException) {
    const response = exception.getResponse();
    return typeof response === 'object' && response !== null && 'message' in response ? response.message : response;
  }
  return exception instanceof Error ? exception.message : 'internal error';
}

/** The host's auth: 401 for every route without @Public(). */
@Injectable()
export class HostAuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    throw new UnauthorizedException('host login required');
  }
}

/** The host's wrapper: `{ success: true, data }` around every answer, unless @SkipWrap(). */
@Injectable()
export class WrapInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (this.reflector.getAllAndOverride<boolean>(SKIP_WRAP, [context.getHandler(), context.getClass()]))
      return next.handle();
    return next.handle().pipe(map((data: unknown) => ({ success: true, data })));
  }
}

export class CreateOrderDto {
  @IsString()
  @MaxLength(32)
  item!: string;

  @IsInt()
  @Min(1)
  @Max(99)
  qty!: number;
}

/** The host's own API: a DTO-validated POST, a GET with a transformed param, a route that throws. */
@Public()
@Controller('orders')
export class HostOrdersController {
  @Post()
  create(@Body() dto: CreateOrderDto): { item: string; qty: number; isDto: boolean } {
    return { item: dto.item, qty: dto.qty, isDto: dto instanceof CreateOrderDto };
  }

  @Get(':id')
  find(@Param('id') id: number): { id: number; type: string } {
    // `transform: true` turns the path param into the declared number.
    return { id, type: typeof id };
  }

  @Post(':id/cancel')
  cancel(): never {
    throw new ConflictException('order is locked');
  }
}

/** Behind the host's auth (no @Public()). */
@Controller('account')
export class HostAccountController {
  @Get()
  me(): { user: string } {
    return { user: 'nobody' };
  }
}

/** Public and left unwrapped by the host's own marker. */
@Public()
@SkipWrap()
@Controller('status')
export class HostStatusController {
  @Get()
  status(): { up: true } {
    return { up: true };
  }
}

export const HOST_CONTROLLERS: Type<unknown>[] = [HostOrdersController, HostAccountController, HostStatusController];

/** Where the host's catch-all is registered. */
export type HostFilterMode = 'APP_FILTER' | 'useGlobalFilters';

export interface HostGatewayOptions {
  adapter: HttpAdapterName;
  filter: HostFilterMode;
  /** What the host imports besides its own controllers (AssistModule.forRoot(...), or nothing). */
  imports?: (DynamicModule | Type<unknown>)[];
  /** More host controllers (e.g. a signed route of its own, which needs the AssistModule import). */
  controllers?: Type<unknown>[];
  /** Keep the relay's routes out of the global prefix (default true); false puts them under /api too. */
  excludeRelayFromPrefix?: boolean;
}

/** The relay's routes stay at /unipay/assist/* (Nest 11's path-to-regexp 8 syntax: a named wildcard). */
export const ASSIST_PREFIX_EXCLUDE = { path: 'unipay/assist/*path', method: RequestMethod.ALL };

@Module({})
class HostAppModule {
  static register(options: HostGatewayOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: APP_GUARD, useClass: HostAuthGuard },
      { provide: APP_INTERCEPTOR, useClass: WrapInterceptor },
    ];
    if (options.filter === 'APP_FILTER') providers.push({ provide: APP_FILTER, useClass: HostFilter });
    return {
      module: HostAppModule,
      imports: options.imports ?? [],
      controllers: [...HOST_CONTROLLERS, ...(options.controllers ?? [])],
      providers,
    };
  }
}

export interface RunningHost {
  app: INestApplication;
  baseUrl: string;
  close(): Promise<void>;
}

/** The host gateway on 127.0.0.1 and a free port, bootstrapped as its main.ts would. */
export async function startHostGateway(options: HostGatewayOptions): Promise<RunningHost> {
  const adapter = options.adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  const app = await NestFactory.create(HostAppModule.register(options), adapter, {
    logger: false,
    abortOnError: false,
  });
  app.setGlobalPrefix('api', options.excludeRelayFromPrefix === false ? {} : { exclude: [ASSIST_PREFIX_EXCLUDE] });
  app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  if (options.filter === 'useGlobalFilters') app.useGlobalFilters(new HostFilter(app.get(HttpAdapterHost)));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** The host's own requests, each answered the same with and without AssistModule. */
export interface HostCase {
  name: string;
  method: string;
  path: string;
  body?: string;
  contentType?: string;
}

export const HOST_CASES: HostCase[] = [
  {
    name: 'DTO-validated POST',
    method: 'POST',
    path: '/api/v1/orders',
    body: '{"item":"tea","qty":2}',
    contentType: 'application/json',
  },
  {
    name: 'unknown field refused by the ValidationPipe',
    method: 'POST',
    path: '/api/v1/orders',
    body: '{"item":"tea","qty":2,"coupon":"x"}',
    contentType: 'application/json',
  },
  {
    name: 'invalid field refused by the ValidationPipe',
    method: 'POST',
    path: '/api/v1/orders',
    body: '{"item":"tea","qty":0}',
    contentType: 'application/json',
  },
  { name: 'bad JSON', method: 'POST', path: '/api/v1/orders', body: '{"item":', contentType: 'application/json' },
  { name: 'GET with a transformed param', method: 'GET', path: '/api/v1/orders/7' },
  { name: 'a route that throws', method: 'POST', path: '/api/v1/orders/7/cancel' },
  { name: 'no @Public(): 401', method: 'GET', path: '/api/v1/account' },
  { name: '@SkipWrap(): unwrapped', method: 'GET', path: '/api/v1/status' },
  { name: 'unknown host route', method: 'GET', path: '/api/v1/nothing-here' },
  { name: 'no version segment', method: 'GET', path: '/api/orders/7' },
  { name: 'no global prefix', method: 'GET', path: '/orders/7' },
];
