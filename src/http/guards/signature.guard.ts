import { CanActivate, ExecutionContext, Inject, Injectable, Type } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AssistException } from '../../kernel/assist.exception';
import { AssistErrorCode } from '../../kernel/error-codes';
import { nowSeconds } from '../envelope/envelope';
import { Merchant } from '../../merchants/merchant';
import { MerchantProvider } from '../../merchants/merchant.provider';
import { isRecord } from '../../merchants/normalize-merchant';
import { ReplayStore } from '../../replay/replay.store';
import { SignableFields } from '../../signing/sign-string';
import { verify } from '../../signing/signature';
import { AssistLogger } from '../../kernel/assist.logger';
import { AssistRequestDto } from '../dto/assist-request.dto';
import { checkReqTimeWindow, parseReqTime } from './req-time';
import { requestContext } from '../../kernel/request-context';
import { pickSignedFields } from '../dto/signed-fields';

/**
 * Checks, in order: a JSON object body, the merchant, reqTime and its window,
 * the sign (any of the merchant's secrets), then that the signed request is
 * new. Field-level validation runs after, in the DTO pipe.
 * Protected hooks let a host subclass adjust one step, as ThrottlerGuard does.
 */
@Injectable()
export class SignatureGuard implements CanActivate {
  constructor(
    @Inject(MerchantProvider) protected readonly merchants: MerchantProvider,
    @Inject(ReplayStore) protected readonly replay: ReplayStore,
    protected readonly logger: AssistLogger,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<{ body?: unknown; headers: Record<string, unknown> }>();
    const ctx = requestContext(req);
    const body = this.getBody(req);

    const merchant = await this.resolveMerchant(body);
    ctx.merchant = merchant;

    const now = this.now();
    const reqTime = parseReqTime(body.reqTime);
    checkReqTimeWindow(reqTime, merchant.reqTimeout, now);

    const sign = body.sign;
    if (sign === undefined || sign === null || sign === '') {
      if (merchant.signRequired) throw AssistException.invalidField('sign', 'is required');
      return true;
    }
    if (typeof sign !== 'string' || sign.length > 64) {
      throw AssistException.invalidField('sign', 'must be a string of at most 64 characters');
    }
    const fields = this.signedFields(context, body);
    // Contract fields are strings or numbers; rendering a 10 000-level array for the sign would overflow the stack.
    const nested = Object.keys(fields).find((k) => typeof fields[k] === 'object' && fields[k] !== null);
    if (nested !== undefined) throw AssistException.invalidField(nested, 'must be a string or a number, not an object or array');
    if (verify(fields as SignableFields, merchant.signType, merchant.signSecrets) < 0) {
      this.logger.warn(ctx.traceId, 'sign.rejected', { mchNo: merchant.mchNo, signType: merchant.signType });
      throw new AssistException(AssistErrorCode.BAD_SIGN, `signature verification failed (${merchant.signType})`);
    }

    await this.claimOnce(merchant, sign, reqTime, now);
    return true;
  }

  /** The fields the sign covers: those the route's DTO declares (unknown fields are not signed, per SPEC). */
  protected signedFields(context: ExecutionContext, body: Record<string, unknown>): Record<string, unknown> {
    const paramTypes: unknown[] =
      Reflect.getMetadata('design:paramtypes', context.getClass().prototype, context.getHandler().name) ?? [];
    const dto = paramTypes.find((t): t is Type<unknown> => typeof t === 'function' && t.prototype instanceof AssistRequestDto);
    return pickSignedFields(body, dto);
  }

  /** The parsed JSON body; anything but an object is 10005 (or 10008 for another content type). */
  protected getBody(req: { body?: unknown; headers: Record<string, unknown> }): Record<string, unknown> {
    const type = String(req.headers['content-type'] ?? '');
    if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
      throw new AssistException(AssistErrorCode.UNSUPPORTED_MEDIA_TYPE, 'content type must be application/json');
    }
    // JSON is UTF-8 (RFC 8259); Fastify would otherwise accept any declared charset.
    const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(type)?.[1];
    if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
      throw new AssistException(AssistErrorCode.UNSUPPORTED_MEDIA_TYPE, 'content type must be application/json with charset utf-8');
    }
    // Express parses an empty JSON body to {}; say what Fastify says, so both adapters agree.
    if (req.headers['content-length'] === '0') {
      throw new AssistException(AssistErrorCode.BAD_JSON, 'body is empty: send a JSON object');
    }
    if (!isRecord(req.body)) {
      throw new AssistException(AssistErrorCode.BAD_JSON, 'body must be a JSON object');
    }
    return req.body;
  }

  protected async resolveMerchant(body: Record<string, unknown>): Promise<Merchant> {
    const mchNo = optionalName(body, 'mchNo');
    const appId = optionalName(body, 'appId');
    const merchant = await this.merchants.findMerchant({ mchNo, appId });
    if (!merchant) {
      throw new AssistException(
        AssistErrorCode.UNKNOWN_MERCHANT,
        mchNo || appId ? 'unknown merchant: no merchant matches mchNo/appId' : 'no default merchant is configured',
      );
    }
    return merchant;
  }

  /** Remembers (merchant, sign) until the reqTime window closes; a second sighting is a replay. */
  protected async claimOnce(merchant: Merchant, sign: string, reqTime: number, now: number): Promise<void> {
    // The guard already checked reqTime >= now - reqTimeout, so this is at least a second.
    const ttlMs = (reqTime + merchant.reqTimeout - now + 1) * 1000;
    // Hash the key: the store never sees a usable sign, and keys have one size.
    const key = createHash('sha256')
      .update(`${merchant.mchNo}\u0000${merchant.appId ?? ''}\u0000${sign.toLowerCase()}`)
      .digest('base64url');
    if (!(await this.replay.claim(key, ttlMs))) {
      throw new AssistException(AssistErrorCode.REPLAYED, 'replayed request: this signed request was already accepted');
    }
  }

  protected now(): number {
    return nowSeconds();
  }
}

function optionalName(body: Record<string, unknown>, field: 'mchNo' | 'appId'): string | undefined {
  const value = body[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.length > 32) {
    throw AssistException.invalidField(field, 'must be a string of at most 32 characters');
  }
  return value;
}
