import { ArgumentsHost, Catch } from '@nestjs/common';
import { BaseExceptionFilter, HttpAdapterHost } from '@nestjs/core';
import { AssistMetrics } from '../../kernel/assist.metrics';
import { AssistLogger } from '../../kernel/assist.logger';
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
  private readonly prefixes: Set<string>;

  constructor(
    adapterHost: HttpAdapterHost,
    logger: AssistLogger,
    routePrefix: string,
    metrics?: AssistMetrics,
  ) {
    super(adapterHost.httpAdapter);
    this.envelope = new EnvelopeExceptionFilter(adapterHost, logger, metrics);
    this.prefixes = mountedPrefixes(adapterHost.httpAdapter);
    this.prefixes.add(routePrefix);
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<{ url?: string; originalUrl?: string }>();
    const path = (req.originalUrl ?? req.url ?? '').split('?')[0];
    for (const prefix of this.prefixes) if (isUnderPrefix(path, prefix)) return this.envelope.catch(exception, host);
    return super.catch(exception, host);
  }
}

// Nest runs only one global catch-all filter per error, so with two mounts in
// one app each filter must know every prefix of that app (keyed by its adapter).
const prefixesByAdapter = new WeakMap<object, Set<string>>();

function mountedPrefixes(adapter: object): Set<string> {
  let set = prefixesByAdapter.get(adapter);
  if (!set) {
    set = new Set();
    prefixesByAdapter.set(adapter, set);
  }
  return set;
}

export function isUnderPrefix(path: string, prefix: string): boolean {
  const p = `/${prefix.replace(/^\/+|\/+$/g, '')}/`;
  return `${path}/`.includes(p);
}
