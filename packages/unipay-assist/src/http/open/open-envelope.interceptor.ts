import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor, Optional } from '@nestjs/common';
import { mergeMap, Observable, of } from 'rxjs';
import { OpenCode } from '@unipay-assist/wire';
import { InjectOpenOptions, ResolvedOpenOptions } from '../../daxpay-open/open.options';
import { readBusiness } from '@unipay-assist/wire';
import { AssistLogger } from '../../kernel/assist.logger';
import { AssistMetrics } from '../../kernel/assist.metrics';
import { AssistClock, InjectAssistClock, nowSeconds, systemClock } from '../../kernel/clock';
import { AssistErrorCode } from '@unipay-assist/wire';
import { requestContext } from '../../kernel/request-context';
import { ReplayAnswers } from '../../replay/replay-answers';
import { routeNameOf } from '../route-name';
import { openFailure, openSuccess } from './open-answer';

/**
 * The Open routes' answer: the handler's business data as a platform-signed
 * DaxResult (reqId echoed, resTime Beijing time). A business failure
 * (`code` ≠ 0) is answered signed with its code (1 becomes DaxPay Open's
 * OPERATION_FAIL, 20080). Retry-safe replay as on every route: a request the
 * guard found answered gets that answer; a fresh success is stored for the
 * rest of its window; anything else gives the claim up.
 */
@Injectable()
export class OpenEnvelopeInterceptor implements NestInterceptor {
  constructor(
    private readonly logger: AssistLogger,
    private readonly replay: ReplayAnswers,
    @InjectOpenOptions() private readonly open: ResolvedOpenOptions,
    @Optional() @Inject(AssistMetrics) private readonly metrics?: AssistMetrics,
    @Optional() @InjectAssistClock() private readonly clock: AssistClock = systemClock,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<Record<string, unknown>> {
    const ctx = requestContext(context.switchToHttp().getRequest<object>());
    const route = routeNameOf(context.getHandler());
    const entry = ctx.replay;
    if (entry?.kind === 'replayed') {
      this.metrics?.request(route, AssistErrorCode.SUCCESS);
      this.logger.log(ctx.traceId, 'request.replayed', { route, mchNo: ctx.merchant?.mchNo, source: entry.source });
      return of(entry.answer);
    }
    return next.handle().pipe(
      mergeMap(async (data: Record<string, unknown>) => {
        const business = readBusiness(data);
        const reqId = ctx.open?.reqId;
        const key = this.open.platformKey!;
        let answer: Record<string, unknown>;
        if (business.kind === 'success') {
          const fields = Object.keys(business.fields).length > 0 ? business.fields : undefined;
          answer = { ...openSuccess(fields, reqId, nowSeconds(this.clock), key) };
        } else {
          const code = typeof data.code === 'number' && data.code !== 1 ? data.code : OpenCode.OPERATION_FAIL;
          answer = openFailure(code, business.msg, reqId, key);
        }
        if (entry?.kind === 'fresh') {
          if (business.kind === 'success' && !ctx.provisional) await this.replay.settle(entry.ticket, answer);
          else await this.replay.release(entry.ticket);
        }
        this.metrics?.request(
          route,
          business.kind === 'success' ? AssistErrorCode.SUCCESS : AssistErrorCode.BUSINESS_FAILED,
        );
        const line = ctx.answered ?? { event: 'request.answered', fields: {} };
        this.logger.log(ctx.traceId, line.event, { route, mchNo: ctx.merchant?.mchNo, ...line.fields });
        return answer;
      }),
    );
  }
}
