import type { AssistRequestContext } from '../../kernel/request-context';

/** What the Open guard learns about a request, for the handler and the answer. */
export interface OpenRequestState {
  /** The request's reqId, echoed in every answer (also a failure's, once it could be read). */
  reqId?: string;
  /** The request as the server types it: declared fields, server defaults, reqTime as the Beijing literal. */
  fields?: Record<string, unknown>;
  /** The sign string of `fields` (PingResult.serverSignStr). */
  signString?: string;
}

declare module '../../kernel/request-context.js' {
  interface AssistRequestContext {
    open?: OpenRequestState;
  }
}

export function openState(ctx: AssistRequestContext): OpenRequestState {
  ctx.open ??= {};
  return ctx.open;
}
