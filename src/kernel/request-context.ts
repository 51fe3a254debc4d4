import { Merchant } from '../merchants/merchant';
import { newTraceId } from './trace-id';

/** What the guard learns about a request, for the interceptor and filter. */
export interface AssistRequestContext {
  traceId: string;
  merchant?: Merchant;
}

// Keyed by the request object, whichever adapter made it; nothing leaks onto the request.
const contexts = new WeakMap<object, AssistRequestContext>();

export function requestContext(req: object): AssistRequestContext {
  let ctx = contexts.get(req);
  if (!ctx) {
    ctx = { traceId: newTraceId() };
    contexts.set(req, ctx);
  }
  return ctx;
}
