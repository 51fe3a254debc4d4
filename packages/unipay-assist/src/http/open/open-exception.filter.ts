import { ArgumentsHost, Catch, ExceptionFilter, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { openCodeOf } from '@unipay-assist/wire';
import { OpenException } from '../../daxpay-open/open.exception';
import { InjectOpenOptions, ResolvedOpenOptions } from '../../daxpay-open/open.options';
import { AssistLogger } from '../../kernel/assist.logger';
import { AssistMetrics } from '../../kernel/assist.metrics';
import { requestContext } from '../../kernel/request-context';
import { ReplayAnswers } from '../../replay/replay-answers';
import { isRecord, OpenSignDepthError } from '@unipay-assist/wire';
import { mapError } from '../filters/error-mapping';
import { routeNameOf } from '../route-name';
import { readQuery } from '../request-query';
import { openFailure } from './open-answer';

/**
 * Every error on the Open routes becomes HTTP 200 with a DaxResult failure
 * `{code, msg, reqId, sign}` in DaxPay Open's numbers, signed with the
 * platform key (beyond DaxPay Open, whose failures before the controller are
 * unsigned). Controller-scoped like the EnvelopeExceptionFilter: a host's
 * filters never see these errors. Never a stack trace to the caller.
 */
@Catch()
@Injectable()
export class OpenExceptionFilter implements ExceptionFilter {
  constructor(
    protected readonly adapterHost: HttpAdapterHost,
    protected readonly logger: AssistLogger,
    @InjectOpenOptions() protected readonly open: ResolvedOpenOptions,
    @Optional() @Inject(AssistMetrics) protected readonly metrics?: AssistMetrics,
    @Optional() protected readonly replay?: ReplayAnswers,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<object>();
    const ctx = requestContext(req);
    if (ctx.replay?.kind === 'fresh') void this.replay?.release(ctx.replay.ticket);
    let code: number;
    let msg: string;
    if (exception instanceof OpenException) {
      code = exception.code;
      msg = exception.message;
      this.logger.log(ctx.traceId, 'request.rejected', { code, reason: code === 20052 ? 'verify sign failed' : msg });
    } else if (exception instanceof OpenSignDepthError) {
      code = 10506;
      msg = 'the request is nested too deeply';
      this.logger.log(ctx.traceId, 'request.rejected', { code, reason: msg });
    } else {
      const mapped = mapError(exception, 'route');
      code = openCodeOf(mapped.code);
      msg = mapped.msg;
      if (mapped.internal) {
        const e = exception as Error | undefined;
        this.logger.error(ctx.traceId, 'request.failed', { error: e?.name ?? typeof exception, reason: e?.message });
      } else {
        this.logger.log(ctx.traceId, 'request.rejected', { code, reason: msg });
      }
    }
    // A filter bound to a controller gets the execution context, whose handler names the route.
    this.metrics?.request(routeNameOf((host as Partial<ExecutionContext>).getHandler?.()), code);
    const reqId = ctx.open?.reqId ?? reqIdOf(req);
    this.adapterHost.httpAdapter.reply(
      http.getResponse<object>(),
      openFailure(code, msg, reqId, this.open.platformKey),
      200,
    );
  }
}

/**
 * The reqId of a request refused before the Open guard read it (a host's own
 * guard or pipe ran first): from the JSON body, or the link's query.
 */
function reqIdOf(req: { body?: unknown; url?: string; originalUrl?: string }): string | undefined {
  let source: unknown = req.body;
  if (!isRecord(source)) {
    try {
      source = readQuery(req);
    } catch {
      return undefined;
    }
  }
  const reqId = isRecord(source) ? source.reqId : undefined;
  return typeof reqId === 'string' && reqId.length <= 64 ? reqId : undefined;
}
