import { ArgumentsHost, Catch, ExceptionFilter, Inject, Injectable, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AssistMetrics } from '../../kernel/assist.metrics';
import { AssistLogger } from '../../kernel/assist.logger';
import { requestContext } from '../../kernel/request-context';
import { failureEnvelope } from '../envelope/envelope';
import { AssistErrorCode } from '../../kernel/error-codes';
import { mapError } from './error-mapping';

/**
 * Every error on the module's routes (guard, pipe, handler, body parser)
 * becomes HTTP 200 with the envelope. Never a stack trace to the caller.
 */
@Catch()
@Injectable()
export class EnvelopeExceptionFilter implements ExceptionFilter {
  constructor(
    protected readonly adapterHost: HttpAdapterHost,
    protected readonly logger: AssistLogger,
    @Optional() @Inject(AssistMetrics) protected readonly metrics?: AssistMetrics,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<object>();
    const { traceId } = requestContext(req);
    const mapped = mapError(exception);
    if (mapped.internal) {
      const e = exception as Error;
      this.logger.error(traceId, 'request.failed', { error: e?.name ?? typeof exception, reason: e?.message });
    } else {
      this.logger.log(traceId, 'request.rejected', { code: mapped.code, reason: mapped.msg });
    }
    this.metrics?.request(routeName(req as { url?: string; originalUrl?: string }), mapped.code);
    if (mapped.code === AssistErrorCode.REPLAYED) this.metrics?.replayRejected();
    this.adapterHost.httpAdapter.reply(http.getResponse(), failureEnvelope(mapped.code, mapped.msg, traceId), 200);
  }
}

/** The route's last path segment when it is one of the module's, else `other` (bounded label values). */
export function routeName(req: { url?: string; originalUrl?: string }): string {
  const path = (req.originalUrl ?? req.url ?? '').split('?')[0];
  const last = path.slice(path.lastIndexOf('/') + 1);
  return last === 'getWxAccessToken' || last === 'getWxAuthUrl' ? last : 'other';
}
