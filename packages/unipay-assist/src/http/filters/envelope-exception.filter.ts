import { ArgumentsHost, Catch, ExceptionFilter, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { dialectFor, failureAnswer } from '@unipay-assist/wire';
import { FailureContext } from '@unipay-assist/wire';
import { AssistMetrics } from '../../kernel/assist.metrics';
import { AssistLogger } from '../../kernel/assist.logger';
import { AssistClock, InjectAssistClock, nowSeconds, systemClock } from '../../kernel/clock';
import { AssistErrorCode } from '@unipay-assist/wire';
import { AssistRequestContext, requestContext } from '../../kernel/request-context';
import { ReplayAnswers } from '../../replay/replay-answers';
import { signsWithSecret } from '../../merchants/merchant';
import { OpenExceptionFilter } from '../open/open-exception.filter';
import { routeNameOf, UNROUTED } from '../route-name';
import { ErrorStage, mapError } from './error-mapping';

/**
 * Every error on the module's routes (guard, pipe, handler) becomes HTTP 200
 * with the envelope, in the merchant's DaxPay generation once the guard knows
 * the merchant (its numbers, signed where it signs failures), else in the
 * default generation's; PreRouteErrors hands it the body parser's and router's
 * errors under the module's prefix. Never a stack trace to the caller.
 * Controller-scoped, so a host's own filters never see the relay's errors
 * and the relay never sees the host's.
 */
@Catch()
@Injectable()
export class EnvelopeExceptionFilter implements ExceptionFilter {
  constructor(
    protected readonly adapterHost: HttpAdapterHost,
    protected readonly logger: AssistLogger,
    @Optional() @Inject(AssistMetrics) protected readonly metrics?: AssistMetrics,
    @Optional() @InjectAssistClock() protected readonly clock: AssistClock = systemClock,
    @Optional() protected readonly replay?: ReplayAnswers,
    @Optional() protected readonly open?: OpenExceptionFilter,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    // A DaxPay Open request on the path 3.0 shares with it: answered on the Open wire.
    if (requestContext(http.getRequest<object>()).open && this.open) return this.open.catch(exception, host);
    // A filter bound to a controller gets the execution context, whose handler names the route.
    const handler = (host as Partial<ExecutionContext>).getHandler?.();
    this.reply(exception, http.getRequest<object>(), http.getResponse<object>(), 'route', routeNameOf(handler));
  }

  /** Logs, counts and answers one error with the failure envelope (HTTP 200); before routing, the route is `other`. */
  reply(exception: unknown, req: object, res: object, stage: ErrorStage = 'route', route: string = UNROUTED): void {
    const ctx = requestContext(req);
    const { traceId } = ctx;
    // A request that failed gives its replay claim up, so the same signed request runs again when retried.
    if (ctx.replay?.kind === 'fresh') void this.replay?.release(ctx.replay.ticket);
    const mapped = mapError(exception, stage);
    if (mapped.internal) {
      const e = exception as Error | undefined;
      this.logger.error(traceId, 'request.failed', { error: e?.name ?? typeof exception, reason: e?.message });
    } else {
      this.logger.log(traceId, 'request.rejected', {
        code: mapped.code,
        ...(ctx.dialect !== undefined && { dialect: ctx.dialect }),
        reason: mapped.msg,
      });
    }
    const dialect = ctx.dialect ?? ctx.merchant?.dialect;
    this.metrics?.request(route, mapped.code, dialect);
    if (mapped.code === AssistErrorCode.REPLAYED) this.metrics?.replayRejected();
    const answer = failureAnswer(dialectFor(dialect), mapped.code, mapped.msg, this.failureContext(ctx));
    // As the interceptor's answers: nothing of the relay's is cached anywhere.
    this.adapterHost.httpAdapter.setHeader(res, 'Cache-Control', 'no-store');
    this.adapterHost.httpAdapter.reply(res, answer, 200);
  }

  /** The secret that verified the request signs the failure (for generations that sign failures); none before that. */
  private failureContext(ctx: AssistRequestContext): FailureContext {
    const context: FailureContext = { traceId: ctx.traceId, now: nowSeconds(this.clock) };
    const merchant = ctx.merchant;
    if (merchant && signsWithSecret(merchant) && ctx.secretIndex !== undefined) {
      context.signing = {
        signType: merchant.signType,
        secret: merchant.signSecrets[ctx.secretIndex] ?? merchant.signSecrets[0],
      };
    }
    return context;
  }
}
