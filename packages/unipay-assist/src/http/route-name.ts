import { ASSIST_ROUTE, AssistRouteMetadata } from './assist-route.decorator';

/** The label of requests that reached no relay route (an unknown path, a body the parser refused). */
export const UNROUTED = 'other';

/**
 * A relay route's name, as its `@SignedRoute` / `@AssistPost` metadata gives it,
 * for logs, metrics and the replay key: the guard, the interceptor and the filter
 * all read it here, so a new route is named once, where it is declared, and metric
 * labels stay bounded (`other` for whatever matched no route).
 */
export function routeNameOf(handler: object | null | undefined): string {
  if (!handler) return UNROUTED;
  const meta = Reflect.getMetadata(ASSIST_ROUTE, handler) as AssistRouteMetadata | undefined;
  return meta?.name ?? UNROUTED;
}

/** Every route name declared with `@SignedRoute` on the methods of these controller classes. */
export function declaredRouteNames(...controllers: ReadonlyArray<{ prototype: object }>): ReadonlySet<string> {
  const names = new Set<string>();
  for (const controller of controllers) {
    for (const key of Object.getOwnPropertyNames(controller.prototype)) {
      const method = (controller.prototype as Record<string, unknown>)[key];
      const name = typeof method === 'function' ? routeNameOf(method) : UNROUTED;
      if (name !== UNROUTED) names.add(name);
    }
  }
  return names;
}

/**
 * The route a path names by its last segment, when that is one of `names`, else `other`: an
 * error raised before routing (a body the parser refused) on a relay route counts for that route.
 */
export function routeNameOfPath(path: string, names: ReadonlySet<string>): string {
  const last = path.slice(path.lastIndexOf('/') + 1);
  return names.has(last) ? last : UNROUTED;
}
