import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { map, Observable } from 'rxjs';
import { requestContext } from '../relay/request-context';
import { Envelope, successEnvelope } from './envelope';
import { signData } from './sign-data';

/**
 * Wraps a handler's `data` in the envelope, with resTime and the merchant's
 * sign. Runs after the guard, so the merchant is known.
 */
@Injectable()
export class EnvelopeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<Envelope> {
    const ctx = requestContext(context.switchToHttp().getRequest());
    return next.handle().pipe(
      map((data: Record<string, unknown>) => {
        const merchant = ctx.merchant!;
        return successEnvelope(signData(data, merchant.signType, merchant.signSecrets[0]), ctx.traceId);
      }),
    );
  }
}
