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
