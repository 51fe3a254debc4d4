import { Injectable } from '@nestjs/common';
import { Merchant } from '../../merchants/merchant';
import { readQuery } from '../request-query';
import { IncomingRequest } from './request-body';
import { RequestHead } from './request-head';
import { SignatureGuard } from './signature.guard';

/**
 * The SignatureGuard for a signed link (GET): the fields come from the query,
 * and a second load of the same link is not a replay to refuse. A browser
 * reloads, WeChat's in-app browser reloads, a payer taps the link twice; the
 * route itself is idempotent by the link's sign (the same flow is resumed),
 * so nothing runs twice. The reqTime window still bounds the link's life.
 */
@Injectable()
export class QuerySignatureGuard extends SignatureGuard {
  protected override getBody(req: IncomingRequest): Record<string, unknown> {
    return readQuery(req as { url?: string; originalUrl?: string });
  }

  protected override async claimOnce(_merchant: Merchant, _head: RequestHead, _now: number): Promise<void> {
    // Idempotent route: see the class comment.
  }
}
