import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { ASSIST_ROUTE_PREFIX } from '../../kernel/route-prefix';
import { AssistController } from '../assist.controller';
import { ChannelAuthController } from '../channel-auth.controller';
import { declaredRouteNames, routeNameOfPath } from '../route-name';
import { isUnderPrefix, mountedPaths, pathOf } from '../route-paths';
import { EnvelopeExceptionFilter } from './envelope-exception.filter';


type ErrorHandler = (err: unknown, req: object, res: object, next?: unknown) => unknown;
type NotFoundHandler = (req: object, res: object, next?: unknown) => unknown;

// The handler comes first; whatever follows (the prefix, and since
// @nestjs/platform-express 12 the routes excluded from it) is the adapter's
// business and is passed on untouched, however many there are.
interface PatchableAdapter {
  setErrorHandler?: (handler: ErrorHandler, ...rest: unknown[]) => unknown;
  setNotFoundHandler?: (handler: NotFoundHandler, ...rest: unknown[]) => unknown;
}

/**
 * Errors raised before a route matches (bad JSON, a body over the limit, a
 * wrong content type, an unknown route or method) never reach a controller's
 * filters: Nest hands them to the adapter's error and not-found handlers,
 * which apply the app's global filters. A global filter of ours would
 * displace the host's (Nest uses one catch-all per error), and a host's
 * `useGlobalFilters` would take the envelope away from the relay.
 *
 * Instead this wraps the two handlers Nest installs, right before it installs
 * them (onModuleInit runs after the routes are registered and before the
 * router hooks): a request under the module's prefix gets the envelope; every
 * other request goes to Nest's handler exactly as before, host filters and all.
 */
@Injectable()
export class PreRouteErrors implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: ApplicationConfig,
    private readonly envelope: EnvelopeExceptionFilter,
    @Inject(ASSIST_ROUTE_PREFIX) private readonly routePrefix: string,
  ) {}

  private excludedFromGlobalPrefix(path: string): boolean {
    return excludedBy(this.config.getGlobalPrefixOptions().exclude, path);
  }

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter as (PatchableAdapter & object) | undefined;
    // A standalone app or a microservice has no HTTP adapter: nothing to answer.
    if (!adapter) return;
    const paths = mountedPaths(this.routePrefix, this.config.getGlobalPrefix(), (path) => this.excludedFromGlobalPrefix(path));
    const ours = (req: object): boolean => {
      const path = pathOf(req);
      return paths.some((p) => isUnderPrefix(path, p));
    };
    const envelope = this.envelope;
    // Before routing there is no handler to name the route: the path's last segment does, if a relay route declares it.
    const names = declaredRouteNames(AssistController, ChannelAuthController);
    const route = (req: object): string => routeNameOfPath(pathOf(req), names);

    const setErrorHandler = adapter.setErrorHandler?.bind(adapter);
    if (setErrorHandler) {
      adapter.setErrorHandler = (handler, ...rest) =>
        // Four parameters: Express tells error middleware by its arity.
        setErrorHandler(function assistErrors(err: unknown, req: object, res: object, next?: unknown) {
          if (ours(req)) return envelope.reply(err, req, res, 'pre-route', route(req));
          return handler(err, req, res, next);
        }, ...rest);
    }
    const setNotFoundHandler = adapter.setNotFoundHandler?.bind(adapter);
    if (setNotFoundHandler) {
      adapter.setNotFoundHandler = (handler, ...rest) =>
        setNotFoundHandler(function assistNotFound(req: object, res: object, next?: unknown) {
          if (ours(req)) return envelope.reply(new RouteNotFound(), req, res, 'pre-route', route(req));
          return handler(req, res, next);
        }, ...rest);
    }
  }
}

/** Does the host's `setGlobalPrefix(..., { exclude })` list exclude this path (any method)? */
function excludedBy(entries: unknown, path: string): boolean {
  if (!Array.isArray(entries)) return false;
  return entries.some((e: { pathRegex?: unknown }) => e?.pathRegex instanceof RegExp && e.pathRegex.test(path));
}

/** No route of the module matches the path or method (mapped to 29009). */
class RouteNotFound extends Error {
  readonly status = 404;
}
