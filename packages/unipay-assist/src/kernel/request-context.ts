import type { LogFields } from './assist.logger';
import { newTraceId } from './trace-id';

/**
 * What the guard learns about a request, for the handler, interceptor and
 * filter. The kernel knows no feature: `merchant` (merchants/merchant.ts) and
 * `replay` (replay/replay-answers.ts) are added by the feature that owns
 * their type, through declaration merging, as Express's Request is extended.
 */
export interface AssistRequestContext {
  traceId: string;
  /** Which of the merchant's secrets verified the request: the answer is signed with the same one. */
  secretIndex?: number;
  /** The success log line the interceptor writes (event and safe fields), filled in by the business. */
  answered?: { event: string; fields: LogFields };
  /**
   * The answer is a "not yet" (a poll that found the flow still waiting): a
   * success, but not the request's final answer, so it is not kept for
   * retry-safe replay and an identical retry runs the business again.
   */
  provisional?: boolean;
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
