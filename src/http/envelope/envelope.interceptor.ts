import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { map, Observable } from 'rxjs';
import { AssistException } from '../../kernel/assist.exception';
import { AssistLogger } from '../../kernel/assist.logger';
import { AssistMetrics } from '../../kernel/assist.metrics';
import { AssistClock, InjectAssistClock, nowSeconds, systemClock } from '../../kernel/clock';
import { AssistErrorCode } from '../../kernel/error-codes';
import { AssistRequestContext, requestContext } from '../../kernel/request-context';
import { ASSIST_ROUTE, AssistRouteMetadata } from '../assist-route.decorator';
import { dialectFor } from '../../dialects/dialects';
import { WireAnswer } from '../../dialects/wire-dialect';

/**
 * The response envelope: a handler returns its business `data`; this adds
 * `resTime`, signs with the merchant's secret (the one that verified the
 * request, so a client mid-rotation can verify the answer) and wraps it, as
 * the merchant's DaxPay generation expects (2.0.6: `{code: 0, msg, data, traceId}`
 * with `resTime` and `sign` inside `data`). The success side of metrics and logs
 * lives here too; the error side is the EnvelopeExceptionFilter's.
 * Needs the merchant, so it runs behind the SignatureGuard (as on the
 * module's routes; a host's own route uses both).
 */
@Injectable()
export class EnvelopeInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly logger: AssistLogger,
    @Optional() @Inject(AssistMetrics) private readonly metrics?: AssistMetrics,
    @Optional() @InjectAssistClock() private readonly clock: AssistClock = systemClock,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<WireAnswer> {
    const ctx = requestContext(context.switchToHttp().getRequest<object>());
    const route = this.reflector.get<AssistRouteMetadata | undefined>(ASSIST_ROUTE, context.getHandler())?.name ?? 'other';
    return next.handle().pipe(map((data: Record<string, unknown>) => this.answer(ctx, route, data)));
  }

  private answer(ctx: AssistRequestContext, route: string, data: Record<string, unknown>): WireAnswer {
    const merchant = ctx.merchant;
    if (!merchant) {
      // A route without the SignatureGuard in front: a wiring mistake, never an unsigned answer.
      throw new AssistException(AssistErrorCode.INTERNAL, 'EnvelopeInterceptor needs the SignatureGuard in front of the route');
    }
    const secret = merchant.signSecrets[ctx.secretIndex ?? 0] ?? merchant.signSecrets[0];
    const answer = dialectFor(merchant.dialect).answer(data, {
      signType: merchant.signType,
      secret,
      traceId: ctx.traceId,
      now: nowSeconds(this.clock),
      route,
    });
    this.metrics?.request(route, AssistErrorCode.SUCCESS);
    const line = ctx.answered ?? { event: 'request.answered', fields: {} };
    this.logger.log(ctx.traceId, line.event, { route, mchNo: merchant.mchNo, ...line.fields });
    return answer;
  }
}
