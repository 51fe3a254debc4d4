import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { map, mergeMap, Observable, of } from 'rxjs';
import { readBusiness } from '@unipay-assist/wire';
import { AssistException } from '../../kernel/assist.exception';
import { AssistLogger } from '../../kernel/assist.logger';
import { AssistMetrics } from '../../kernel/assist.metrics';
import { AssistClock, InjectAssistClock, nowSeconds, systemClock } from '../../kernel/clock';
import { AssistErrorCode } from '@unipay-assist/wire';
import { AssistRequestContext, requestContext } from '../../kernel/request-context';
import { ReplayAnswers, ReplayEntry } from '../../replay/replay-answers';
import { routeNameOf } from '../route-name';
import { dialectFor } from '@unipay-assist/wire';
import { WireAnswer } from '@unipay-assist/wire';
import { signsWithSecret } from '../../merchants/merchant';
import { OpenEnvelopeInterceptor } from '../open/open-envelope.interceptor';

/**
 * The response envelope: a handler returns its business `data`; this adds
 * `resTime`, signs with the merchant's secret (the one that verified the
 * request, so a client mid-rotation can verify the answer) and wraps it, as
 * the merchant's DaxPay generation expects (2.0.6: `{code: 0, msg, data, traceId}`
 * with `resTime` and `sign` inside `data`). The success side of metrics and logs
 * lives here too; the error side is the EnvelopeExceptionFilter's.
 * Retry-safe replay: a request the guard found already answered gets that
 * stored answer here, and the handler never runs; a fresh request's success
 * (and only a success) is stored for the rest of its window before it goes out.
 * A business failure gives the claim up, so a retry asks WeChat again.
 * Needs the merchant, so it runs behind the SignatureGuard (as on the
 * module's routes; a host's own route uses both).
 */
@Injectable()
export class EnvelopeInterceptor implements NestInterceptor {
  constructor(
    private readonly logger: AssistLogger,
    @Optional() @Inject(AssistMetrics) private readonly metrics?: AssistMetrics,
    @Optional() @InjectAssistClock() private readonly clock: AssistClock = systemClock,
    @Optional() private readonly replay?: ReplayAnswers,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
    @Optional() private readonly open?: OpenEnvelopeInterceptor,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<WireAnswer> {
    const http = context.switchToHttp();
    const ctx = requestContext(http.getRequest<object>());
    // An answer may carry an openId or an access token: no cache (browser, proxy, CDN) keeps it.
    this.adapterHost?.httpAdapter?.setHeader(http.getResponse<object>(), 'Cache-Control', 'no-store');
    // A DaxPay Open request on the path 3.0 shares with it (the guard handed it to the Open checks).
    if (ctx.open && this.open) return this.open.intercept(context, next);
    const route = routeNameOf(context.getHandler());
    const replay = ctx.replay;
    if (replay?.kind === 'replayed') return of(this.replayed(ctx, route, replay));
    const answers = this.replay;
    if (replay?.kind !== 'fresh' || !answers) return next.handle().pipe(map((data) => this.answer(ctx, route, data)));
    const kept = (data: Record<string, unknown>, answer: WireAnswer): WireAnswer | undefined =>
      readBusiness(data).kind === 'success' && !ctx.provisional ? answer : undefined;
    // A store in this process keeps the answer before it goes out without a promise; any other store is awaited.
    if (answers.finishesNow) {
      return next.handle().pipe(
        map((data: Record<string, unknown>) => {
          const answer = this.answer(ctx, route, data);
          answers.finishNow(replay.ticket, kept(data, answer));
          return answer;
        }),
      );
    }
    return next.handle().pipe(
      mergeMap(async (data: Record<string, unknown>) => {
        const answer = this.answer(ctx, route, data);
        if (kept(data, answer)) await answers.settle(replay.ticket, answer);
        else await answers.release(replay.ticket);
        return answer;
      }),
    );
  }

  /** The answer this signed request got the first time, as it was (its sign, resTime and first traceId). */
  private replayed(ctx: AssistRequestContext, route: string, replay: ReplayEntry & { kind: 'replayed' }): WireAnswer {
    const dialect = ctx.dialect ?? ctx.merchant?.dialect;
    this.metrics?.request(route, AssistErrorCode.SUCCESS, dialect);
    const first = typeof replay.answer.traceId === 'string' ? replay.answer.traceId : undefined;
    this.logger.log(ctx.traceId, 'request.replayed', {
      route,
      mchNo: ctx.merchant?.mchNo,
      dialect,
      source: replay.source,
      firstTraceId: first,
    });
    return replay.answer;
  }

  private answer(ctx: AssistRequestContext, route: string, data: Record<string, unknown>): WireAnswer {
    const merchant = ctx.merchant;
    if (!merchant || !signsWithSecret(merchant)) {
      // A route without the SignatureGuard in front: a wiring mistake, never an unsigned answer.
      throw new AssistException(
        AssistErrorCode.INTERNAL,
        'EnvelopeInterceptor needs the SignatureGuard in front of the route',
      );
    }
    const secret = merchant.signSecrets[ctx.secretIndex ?? 0] ?? merchant.signSecrets[0];
    // The generation whose sign string verified answers, whatever the merchant's configured dialect.
    const dialect = ctx.dialect ?? merchant.dialect;
    const answer = dialectFor(dialect).answer(data, {
      signType: merchant.signType,
      secret,
      traceId: ctx.traceId,
      now: nowSeconds(this.clock),
      route,
    });
    this.metrics?.request(route, AssistErrorCode.SUCCESS, dialect);
    const line = ctx.answered ?? { event: 'request.answered', fields: {} };
    this.logger.log(ctx.traceId, line.event, { route, mchNo: merchant.mchNo, dialect, ...line.fields });
    return answer;
  }
}
