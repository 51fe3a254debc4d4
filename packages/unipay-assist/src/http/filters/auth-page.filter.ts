import { ArgumentsHost, Catch, ExceptionFilter, Inject, Injectable, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AuthPage } from '../../channel-auth/auth-pages';
import { AssistLogger } from '../../kernel/assist.logger';
import { AssistMetrics } from '../../kernel/assist.metrics';
import { AssistErrorCode } from '@unipay-assist/wire';
import { requestContext } from '../../kernel/request-context';
import { replyPage } from '../auth-page.reply';
import { mapError } from './error-mapping';

/**
 * Errors on the hosted flow's browser routes (callback, jump) as a small
 * HTML page a payer can read, with a real HTTP status: these answer a
 * browser, not a DaxPay client, so the JSON envelope stays off them.
 */
@Catch()
@Injectable()
export class AuthPageFilter implements ExceptionFilter {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly logger: AssistLogger,
    @Optional() @Inject(AssistMetrics) private readonly metrics?: AssistMetrics,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<object>();
    const { traceId } = requestContext(req);
    const mapped = mapError(exception);
    if (mapped.internal) {
      const e = exception as Error | undefined;
      this.logger.error(traceId, 'request.failed', { error: e?.name ?? typeof exception, reason: e?.message });
    } else {
      this.logger.log(traceId, 'request.rejected', { code: mapped.code, reason: mapped.msg });
    }
    this.metrics?.request('channelAuthPage', mapped.code);
    replyPage(this.adapterHost.httpAdapter, http.getResponse<object>(), pageFor(mapped.code, mapped.msg, traceId));
  }
}

function pageFor(code: number, msg: string, traceId: string): AuthPage {
  const E = AssistErrorCode;
  const base = { tone: 'error' as const, traceId };
  if (code === E.RATE_LIMITED)
    return { ...base, status: 429, title: 'Too many attempts', message: 'Wait a moment and try again.' };
  if (code === E.BAD_SIGN || code === E.UNKNOWN_MERCHANT) {
    return {
      ...base,
      status: 403,
      title: 'This link is not valid',
      message: 'The payment link is not signed by a merchant of this gateway. Start again from the payment page.',
    };
  }
  if (code === E.INVALID_FIELD && /^reqTime/.test(msg)) {
    return {
      ...base,
      status: 400,
      title: 'This link has expired',
      message: 'Payment links last a few minutes. Start again from the payment page.',
    };
  }
  if (code === E.INTERNAL)
    return {
      ...base,
      status: 500,
      title: 'Something went wrong',
      message: 'The payment gateway failed. Try again in a moment.',
    };
  if (code >= 29301 && code <= 29310) {
    return {
      ...base,
      status: 503,
      title: 'WeChat is not answering',
      message: 'Reload this page in a moment to try again.',
    };
  }
  // Field, redirect and configuration problems: the merchant's to fix, said as is (no secret is ever in a message).
  return { ...base, status: 400, title: 'This link cannot be used', message: `${msg} (code ${code}).` };
}
