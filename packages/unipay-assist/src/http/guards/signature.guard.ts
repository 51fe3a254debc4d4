import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AssistClock, InjectAssistClock, nowSeconds, systemClock } from '../../kernel/clock';
import { AssistException } from '../../kernel/assist.exception';
import { AssistLogger } from '../../kernel/assist.logger';
import { AssistErrorCode } from '@unipay-assist/wire';
import { AssistRequestContext, requestContext } from '../../kernel/request-context';
import { Merchant, signsWithSecret } from '../../merchants/merchant';
import { MerchantProvider } from '../../merchants/merchant.provider';
import { ReplayAnswers } from '../../replay/replay-answers';
import { ASSIST_ROUTE, AssistRouteMetadata } from '../assist-route.decorator';
import { routeNameOf } from '../route-name';
import { dtoFieldNames } from '../dto/signed-fields';
import { dialectFor } from '@unipay-assist/wire';
import { WireDialect } from '@unipay-assist/wire';
import { checkReplay } from './replay-claim';
import { IncomingRequest, readJsonBody } from './request-body';
import { readRequestHead, RequestHead } from './request-head';
import { resolveMerchant } from './request-merchant';
import { verifyRequestSign } from './request-sign';
import { checkReqTimeWindow } from './request-window';
import { OpenSignatureGuard } from '../open/open-signature.guard';
import { OpenAuthCodeDto } from '../open/dto/open-auth-code.dto';
import { OPEN_DIALECT } from '@unipay-assist/wire';

/**
 * DaxPay 3.0's `channel/auth/auth` under `unipay/assist` is DaxPay Open's
 * `unipay/assist/channel/auth/auth` too: one path, two wires, told apart by
 * the merchant the body names.
 */
export const SHARED_OPEN_ROUTE = 'auth';

/**
 * Checks, in order: a JSON object body, the head fields (by the DTO's rules),
 * the merchant, reqTime and its window, the sign (any of the merchant's
 * secrets), then the replay memory (a request seen before within its window
 * gets its first answer, or 10007 for a merchant with `replay: 'reject'`).
 * Field-level validation of the rest runs after, in the DTO pipe. Each step is a small function of its
 * own; the protected hooks let a host subclass adjust one, as ThrottlerGuard does.
 */
const NO_FIELDS: ReadonlySet<string> = new Set();

@Injectable()
export class SignatureGuard implements CanActivate {
  constructor(
    @Inject(MerchantProvider) protected readonly merchants: MerchantProvider,
    protected readonly replay: ReplayAnswers,
    protected readonly logger: AssistLogger,
    protected readonly reflector: Reflector,
    @Optional() @InjectAssistClock() protected readonly clock: AssistClock = systemClock,
    @Optional() protected readonly open?: OpenSignatureGuard,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<IncomingRequest>();
    const ctx = requestContext(req);
    const body = this.getBody(req);
    const shared = this.open && this.routeName(context) === SHARED_OPEN_ROUTE ? await this.openMerchantNamed(body) : false;
    if (shared && this.open) return this.open.check(context, { name: SHARED_OPEN_ROUTE, dto: OpenAuthCodeDto });
    const head = readRequestHead(body);

    const merchant = await this.resolveMerchant(head);
    if (!signsWithSecret(merchant)) {
      // Not trusted here (ctx.merchant stays unset): a DaxPay Open merchant is answered by the Open routes, its own wire.
      throw AssistException.invalidField('mchNo', 'names a daxpay-open merchant: DaxPay Open clients use the DaxPay Open routes (/unipay/...)');
    }
    ctx.merchant = merchant;
    const dialect = dialectFor(merchant.dialect);
    for (const field of dialect.requiredHeadFields ?? []) {
      if (head[field] === undefined) throw AssistException.invalidField(field, `is required (the merchant speaks ${dialect.name})`);
    }

    const now = nowSeconds(this.clock);
    checkReqTimeWindow(head.reqTime, merchant.reqTimeout, now, dialect.maxAheadSeconds?.(merchant.reqTimeout));

    if (head.sign === undefined) {
      if (merchant.signRequired) throw AssistException.invalidField('sign', 'is required');
      ctx.secretIndex = 0;
      return true;
    }
    try {
      ctx.secretIndex = verifyRequestSign(this.signedFields(context, body, dialect), merchant, dialect);
    } catch (err) {
      if (err instanceof AssistException && err.code === AssistErrorCode.BAD_SIGN) {
        this.logger.warn(ctx.traceId, 'sign.rejected', { mchNo: merchant.mchNo, signType: merchant.signType });
      }
      throw err;
    }
    await this.claimOnce(merchant, head, now, context);
    return true;
  }

  /** The fields the sign covers: those the route's DTO declares, as the generation signs them (unknown fields are not, per SPEC). */
  protected signedFields(context: ExecutionContext, body: Record<string, unknown>, dialect: WireDialect): Record<string, unknown> {
    const route = this.reflector.get<AssistRouteMetadata | undefined>(ASSIST_ROUTE, context.getHandler());
    return dialect.signedFields(body, route?.dto ? dtoFieldNames(route.dto) : NO_FIELDS);
  }

  protected getBody(req: IncomingRequest): Record<string, unknown> {
    return readJsonBody(req);
  }

  protected resolveMerchant(head: RequestHead): Promise<Merchant> {
    return resolveMerchant(this.merchants, head.mchNo, head.appId);
  }

  /**
   * The replay step (the name is kept for subclasses that skip it, e.g. an
   * idempotent signed link): the claim, or the stored answer, lands in the
   * request context for the EnvelopeInterceptor.
   */
  protected claimOnce(merchant: Merchant, head: RequestHead, _now: number, context?: ExecutionContext): Promise<void> {
    const ctx: AssistRequestContext = requestContext(context ? context.switchToHttp().getRequest<object>() : {});
    return checkReplay(this.replay, ctx, merchant, { route: this.routeName(context), sign: head.sign as string, reqTime: head.reqTime });
  }

  /** Does the body name a daxpay-open merchant (looked at before any check, to pick the wire)? */
  private async openMerchantNamed(body: Record<string, unknown>): Promise<boolean> {
    const named = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' && v.length <= 32 ? v : undefined);
    if (named(body.mchNo) === undefined) return false;
    const merchant = await this.merchants.findMerchant({ mchNo: named(body.mchNo), appId: named(body.appId) });
    return merchant?.dialect === OPEN_DIALECT;
  }

  /** The route's SignedRoute name (part of the replay key: one signed body, one route). */
  protected routeName(context: ExecutionContext | undefined): string {
    return routeNameOf(context?.getHandler());
  }
}
