import { ArgumentsHost, Catch } from '@nestjs/common';
import { BaseExceptionFilter, HttpAdapterHost } from '@nestjs/core';
import { AssistLogger } from '../relay/assist.logger';
import { EnvelopeExceptionFilter } from './envelope-exception.filter';

/**
 * Errors raised before a route matches (bad JSON, too-large body, wrong
 * method) reach only global filters. This one answers with the envelope for
 * paths under the module's prefix and leaves every other path to Nest's
 * default handling, so the host's own routes are untouched.
 */
@Catch()
export class RouteErrorsFilter extends BaseExceptionFilter {
  private readonly envelope: EnvelopeExceptionFilter;

  constructor(
    adapterHost: HttpAdapterHost,
    logger: AssistLogger,
    private readonly routePrefix: string,
  ) {
    super(adapterHost.httpAdapter);
    this.envelope = new EnvelopeExceptionFilter(adapterHost, logger);
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<{ url?: string; originalUrl?: string }>();
    const path = (req.originalUrl ?? req.url ?? '').split('?')[0];
    if (isUnderPrefix(path, this.routePrefix)) return this.envelope.catch(exception, host);
    return super.catch(exception, host);
  }
}

export function isUnderPrefix(path: string, prefix: string): boolean {
  const p = `/${prefix.replace(/^\/+|\/+$/g, '')}/`;
  return `${path}/`.includes(p);
}
