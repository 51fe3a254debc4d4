import { ArgumentsHost, Catch, ExceptionFilter, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AssistLogger } from '../relay/assist.logger';
import { requestContext } from '../relay/request-context';
import { failureEnvelope } from './envelope';
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
    this.adapterHost.httpAdapter.reply(http.getResponse(), failureEnvelope(mapped.code, mapped.msg, traceId), 200);
  }
}
