import { CanActivate, ExecutionContext, Inject, Injectable, Optional, Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AssistClock, InjectAssistClock, nowSeconds, systemClock } from '../../kernel/clock';
import { AssistException } from '../../kernel/assist.exception';
import { andThen, MaybePromise } from '../../kernel/maybe-promise';
import { AssistLogger } from '../../kernel/assist.logger';
import { AssistErrorCode } from '@unipay-assist/wire';
import { AssistRequestContext, requestContext } from '../../kernel/request-context';
import { Merchant, SecretMerchant, signsWithSecret } from '../../merchants/merchant';
import { MerchantProvider } from '../../merchants/merchant.provider';
import { ReplayAnswers } from '../../replay/replay-answers';
import { ASSIST_ROUTE, AssistRouteMetadata } from '../assist-route.decorator';
import { routeNameOf } from '../route-name';
import { dtoFieldNames } from '../dto/signed-fields';
import { dialectFor, DialectName, WireDialect } from '@unipay-assist/wire';
import { checkReplay } from './replay-claim';
import { IncomingRequest, readJsonBody } from './request-body';
import { readRequestHead, RequestHead } from './request-head';
import { resolveMerchant } from './request-merchant';
import { verifyRequestSign } from './request-sign';
import { checkReqTimeWindow, MAX_CLOCK_AHEAD_SECONDS } from './request-window';
import { CHINA_TIME_ZONE, Detection, detectGeneration, parseZonedDateTime } from '@unipay-assist/wire';
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
 * the merchant, which DaxPay generations may have signed it (read from the
 * wire where it tells, else the merchant's configuration), reqTime and the
 * strictest window of those generations, the sign (each candidate's sign
 * string, any of the merchant's own secrets; the first that verifies answers),
 * then the replay memory, once (a request seen before within its window
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

  canActivate(context: ExecutionContext): MaybePromise<boolean> {
    const req = context.switchToHttp().getRequest<IncomingRequest>();
    const body = this.getBody(req);
    if (this.open && this.routeName(context) === SHARED_OPEN_ROUTE) return this.sharedRoute(context, body);
    return this.checkSigned(context, body);
  }

  /** DaxPay 3.0's `auth` or DaxPay Open's: the merchant the body names picks the wire. */
  private async sharedRoute(context: ExecutionContext, body: Record<string, unknown>): Promise<boolean> {
    if (this.open && (await this.openMerchantNamed(body))) {
      return this.open.check(context, { name: SHARED_OPEN_ROUTE, dto: OpenAuthCodeDto });
    }
    return this.checkSigned(context, body);
  }

  /**
   * The checks in order. Without a promise when the merchant provider and
   * the replay store answer in process (the module's defaults without
   * Redis): each awaited step would cost Nest's guard chain a hop.
   */
  private checkSigned(context: ExecutionContext, body: Record<string, unknown>): MaybePromise<boolean> {
    const head = readRequestHead(body, this.routeDto(context));
    return andThen(this.resolveMerchant(head), (merchant) => this.checkAs(context, body, head, merchant));
  }

  private checkAs(
    context: ExecutionContext,
    body: Record<string, unknown>,
    head: RequestHead,
    merchant: Merchant,
  ): MaybePromise<boolean> {
    const ctx = requestContext(context.switchToHttp().getRequest<object>());
    if (!signsWithSecret(merchant)) {
      // Not trusted here (ctx.merchant stays unset): a DaxPay Open merchant is answered by the Open routes, its own wire.
      throw AssistException.invalidField(
        'mchNo',
        'names a daxpay-open merchant: DaxPay Open clients use the DaxPay Open routes (/unipay/...)',
      );
    }
    ctx.merchant = merchant;
    const reqTime = reqTimeFor(head, merchant);
    const detection = this.detect(body, head, merchant);
    // Until the sign tells, failures are answered as the generation the wire points to.
    ctx.dialect = detection.candidates[0] ?? detection.refused[0] ?? merchant.dialect;
    const { detection: candidates, missing } = withRequiredHeadFields(detection, head, merchant);
    const dialects = candidates.candidates.map(dialectFor);

    const now = nowSeconds(this.clock);
    checkReqTimeWindow(reqTime, merchant.reqTimeout, now, strictestAhead(dialects, merchant.reqTimeout), {
      ...(head.reqTimeText !== undefined && { zone: merchant.reqTimeZone ?? CHINA_TIME_ZONE }),
    });

    if (head.sign === undefined) {
      if (merchant.signRequired) throw AssistException.invalidField('sign', 'is required');
      ctx.secretIndex = 0;
      return true;
    }
    try {
      const verified = verifyRequestSign(body, this.dtoFields(context), merchant, candidates);
      ctx.secretIndex = verified.secretIndex;
      ctx.dialect = verified.dialect;
    } catch (err) {
      if (missing && err instanceof AssistException && err.code === AssistErrorCode.BAD_SIGN) throw missing;
      if (err instanceof AssistException && err.code === AssistErrorCode.BAD_SIGN) {
        this.logger.warn(ctx.traceId, 'sign.rejected', {
          mchNo: merchant.mchNo,
          signType: merchant.signType,
          expected: candidates.candidates[0] ?? 'none',
          marker: detection.marker,
        });
      }
      throw err;
    }
    return andThen(this.claimOnce(merchant, { ...head, reqTime }, now, context), () => true);
  }

  /** Which generations may have signed this request (docs/daxpay-detection.md); a host may narrow or widen it. */
  protected detect(body: Record<string, unknown>, head: RequestHead, merchant: SecretMerchant): Detection {
    return detectGeneration(
      { body, reqTimeShape: head.reqTimeText === undefined ? 'epoch' : 'datetime' },
      { configured: merchant.dialect, pinned: merchant.dialects, signType: merchant.signType },
    );
  }

  /** The route DTO's field names: what the sign covers (unknown fields are not signed, per SPEC). */
  protected dtoFields(context: ExecutionContext): ReadonlySet<string> {
    const dto = this.routeDto(context);
    return dto ? dtoFieldNames(dto) : NO_FIELDS;
  }

  /** The DTO the route declared (@SignedRoute / @AssistPost), if any. */
  protected routeDto(context: ExecutionContext): Type<unknown> | undefined {
    return this.reflector.get<AssistRouteMetadata | undefined>(ASSIST_ROUTE, context.getHandler())?.dto;
  }

  protected getBody(req: IncomingRequest): Record<string, unknown> {
    return readJsonBody(req);
  }

  protected resolveMerchant(head: RequestHead): MaybePromise<Merchant> {
    return resolveMerchant(this.merchants, head.mchNo, head.appId);
  }

  /**
   * The replay step (the name is kept for subclasses that skip it, e.g. an
   * idempotent signed link): the claim, or the stored answer, lands in the
   * request context for the EnvelopeInterceptor.
   */
  protected claimOnce(
    merchant: Merchant,
    head: RequestHead,
    _now: number,
    context?: ExecutionContext,
  ): MaybePromise<void> {
    const ctx: AssistRequestContext = requestContext(context ? context.switchToHttp().getRequest<object>() : {});
    return checkReplay(this.replay, ctx, merchant, {
      route: this.routeName(context),
      sign: head.sign as string,
      reqTime: head.reqTime,
    });
  }

  /** Does the body name a daxpay-open merchant (looked at before any check, to pick the wire)? */
  private async openMerchantNamed(body: Record<string, unknown>): Promise<boolean> {
    const named = (v: unknown): string | undefined =>
      typeof v === 'string' && v !== '' && v.length <= 32 ? v : undefined;
    if (named(body.mchNo) === undefined) return false;
    const merchant = await this.merchants.findMerchant({ mchNo: named(body.mchNo), appId: named(body.appId) });
    return merchant?.dialect === OPEN_DIALECT;
  }

  /** The route's SignedRoute name (part of the replay key: one signed body, one route). */
  protected routeName(context: ExecutionContext | undefined): string {
    return routeNameOf(context?.getHandler());
  }
}

/** reqTime in epoch seconds: a `yyyy-MM-dd HH:mm:ss` is wall-clock time in the merchant's reqTimeZone (default China). */
function reqTimeFor(head: RequestHead, merchant: Merchant): number {
  const zone = merchant.reqTimeZone ?? CHINA_TIME_ZONE;
  if (head.reqTimeText === undefined || zone === CHINA_TIME_ZONE) return head.reqTime;
  return parseZonedDateTime(head.reqTimeText, zone) ?? head.reqTime;
}

/**
 * Drops candidates whose generation always sends a head field this request
 * lacks (3.0: mchNo and appId), since that generation cannot have sent it.
 * When that leaves none, or the configured dialect was dropped and nothing
 * else verifies (see the guard), the missing field is the error (10006), as a
 * merchant configured for that generation always got.
 */
function withRequiredHeadFields(
  detection: Detection,
  head: RequestHead,
  merchant: Merchant,
): { detection: Detection; missing?: AssistException } {
  const missing = (name: DialectName) => (dialectFor(name).requiredHeadFields ?? []).find((f) => head[f] === undefined);
  const kept = detection.candidates.filter((name) => missing(name) === undefined);
  if (kept.length === detection.candidates.length) return { detection };
  const first =
    detection.candidates.find((name) => name === merchant.dialect && missing(name) !== undefined) ??
    detection.candidates[0];
  const error = AssistException.invalidField(missing(first) as string, `is required (the merchant speaks ${first})`);
  if (kept.length === 0) throw error;
  return { detection: { ...detection, candidates: kept }, ...(first === merchant.dialect && { missing: error }) };
}

/** The strictest of the candidates' windows ahead of the clock (60 s, DaxPay 2.0's, when there is none). */
function strictestAhead(dialects: readonly WireDialect[], reqTimeout: number): number {
  if (dialects.length === 0) return MAX_CLOCK_AHEAD_SECONDS;
  return Math.min(...dialects.map((d) => d.maxAheadSeconds?.(reqTimeout) ?? MAX_CLOCK_AHEAD_SECONDS));
}
