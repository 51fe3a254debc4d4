import {
  ArgumentsHost,
  CallHandler,
  CanActivate,
  Catch,
  ExceptionFilter,
  ExecutionContext,
  HttpException,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { map, Observable } from 'rxjs';

/*
 * The gateway's own global machinery, as NestJS gateways are usually
 * written; none of it knows unipay-assist. The in-repo e2e has its copy in
 * test/support/host-gateway.ts (this fixture is a separate project).
 */

export const IS_PUBLIC = 'gateway:isPublic';
/** Routes the gateway's auth guard lets through without a login. */
export const Public = (): ClassDecorator & MethodDecorator => SetMetadata(IS_PUBLIC, true);

export const SKIP_WRAP = 'gateway:skipWrap';
/** Routes the gateway's response wrapper leaves alone. */
export const SkipWrap = (): ClassDecorator & MethodDecorator => SetMetadata(SKIP_WRAP, true);

export interface HostErrorBody {
  hostError: true;
  status: number;
  message: unknown;
}

/** The gateway's catch-all: its own error format on every path. */
@Catch()
@Injectable()
export class HostFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const body: HostErrorBody = { hostError: true, status: statusOf(exception), message: messageOf(exception) };
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), body, body.status);
  }
}

function statusOf(exception: unknown): number {
  if (exception instanceof HttpException) return exception.getStatus();
  // Fastify's body-parser errors carry their status without being HttpExceptions.
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

/** The gateway's auth: 401 for every route without @Public(). */
@Injectable()
export class HostAuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    throw new UnauthorizedException('login required');
  }
}

/** The gateway's wrapper: `{ success: true, data }` around every answer, unless @SkipWrap(). */
@Injectable()
export class WrapInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (this.reflector.getAllAndOverride<boolean>(SKIP_WRAP, [context.getHandler(), context.getClass()]))
      return next.handle();
    return next.handle().pipe(map((data: unknown) => ({ success: true, data })));
  }
}
