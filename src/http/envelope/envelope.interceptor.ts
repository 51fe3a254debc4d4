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
import { Envelope, SignedData, successEnvelope } from './envelope';
import { signData } from './sign-data';

/**
 * The response envelope: a handler returns its business `data`; this adds
 * `resTime`, signs `data` with the merchant's secret (the one that verified
 * the request, so a client mid-rotation can verify the answer) and wraps it
 * as `{code: 0, msg, data, traceId}`. The success side of metrics and logs
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

  intercept(context: ExecutionContext, next: CallHandler): Observable<Envelope<SignedData>> {
    const ctx = requestContext(context.switchToHttp().getRequest<object>());
    const route = this.reflector.get<AssistRouteMetadata | undefined>(ASSIST_ROUTE, context.getHandler())?.name ?? 'other';
    return next.handle().pipe(map((data: Record<string, unknown>) => this.answer(ctx, route, data)));
  }

  private answer(ctx: AssistRequestContext, route: string, data: Record<string, unknown>): Envelope<SignedData> {
    const merchant = ctx.merchant;
    if (!merchant) {
      // A route without the SignatureGuard in front: a wiring mistake, never an unsigned answer.
      throw new AssistException(AssistErrorCode.INTERNAL, 'EnvelopeInterceptor needs the SignatureGuard in front of the route');
    }
    const secret = merchant.signSecrets[ctx.secretIndex ?? 0] ?? merchant.signSecrets[0];
    const signed = signData(data, merchant.signType, secret, nowSeconds(this.clock));
    this.metrics?.request(route, AssistErrorCode.SUCCESS);
    const line = ctx.answered ?? { event: 'request.answered', fields: {} };
    this.logger.log(ctx.traceId, line.event, { route, mchNo: merchant.mchNo, ...line.fields });
    return successEnvelope(signed, ctx.traceId);
  }
}
