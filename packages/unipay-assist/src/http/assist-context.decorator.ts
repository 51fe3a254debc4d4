import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { requestContext } from '../kernel/request-context';

/**
 * The request's AssistRequestContext (trace id, and once the SignatureGuard
 * has run, the verified merchant and the replay claim) as a handler
 * parameter: `@AssistContext() ctx: AssistRequestContext`. Handlers name what
 * they read instead of taking the raw request to look it up themselves.
 */
export const AssistContext = createParamDecorator((_data: unknown, ctx: ExecutionContext) =>
  requestContext(ctx.switchToHttp().getRequest<object>()),
);
