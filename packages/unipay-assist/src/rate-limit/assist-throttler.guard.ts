import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  ThrottlerGenerateKeyFunction,
  ThrottlerGetTrackerFunction,
  ThrottlerGuard,
  ThrottlerLimitDetail,
  ThrottlerOptions,
  ThrottlerStorage,
} from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import { AssistException } from '../kernel/assist.exception';
import { AssistErrorCode } from '@unipay-assist/wire';
import { requestContext } from '../kernel/request-context';
import { RateLimit, RateLimitScope } from './rate-limit.options';

/** The module's own tokens, so a host's ThrottlerModule (global) and ours never collide. */
export const ASSIST_RATE_LIMITS = Symbol('AssistRateLimits');
export const ASSIST_THROTTLER_STORAGE = Symbol('AssistThrottlerStorage');

/** Resolved limits: undefined = that limit is off. */
export type ResolvedRateLimits = Record<RateLimitScope, RateLimit | undefined>;

/**
 * @nestjs/throttler's guard for one scope of the relay's limits. Keys are
 * per scope and tracker only (not per route), so both routes share a budget;
 * a refusal is the envelope's 29063 naming the limit.
 */
@Injectable()
abstract class AssistThrottlerGuard extends ThrottlerGuard {
  protected abstract readonly scope: RateLimitScope;
  private readonly limits: ResolvedRateLimits;

  // The two scopes inherit this constructor and its injection tokens.
  constructor(
    @Inject(ASSIST_RATE_LIMITS) limits: ResolvedRateLimits,
    @Inject(ASSIST_THROTTLER_STORAGE) storage: ThrottlerStorage,
    reflector: Reflector,
  ) {
    // Both throttlers are declared; onModuleInit keeps this guard's one.
    const throttlers = (['ip', 'merchant'] as const).flatMap((s) => {
      const limit = limits[s];
      return limit ? [{ name: s, limit: limit.limit, ttl: limit.windowMs, blockDuration: limit.blockMs }] : [];
    });
    super({ throttlers }, storage, reflector);
    this.limits = limits;
  }

  /** This guard's throttler and its limit, fixed at start (undefined: the scope's limit is off). */
  private own?: { throttler: ThrottlerOptions; limit: number; ttl: number; blockDuration: number };
  private readonly trackerFn: ThrottlerGetTrackerFunction = (req) => this.getTracker(req);
  private readonly keyFn: ThrottlerGenerateKeyFunction = (context, tracker, name) =>
    this.generateKey(context, tracker, name);

  override async onModuleInit(): Promise<void> {
    const limit = this.limits[this.scope];
    if (!limit) return;
    await super.onModuleInit();
    this.throttlers = this.throttlers.filter((t) => t.name === this.scope);
    const throttler = this.throttlers[0];
    this.own = { throttler, limit: limit.limit, ttl: limit.windowMs, blockDuration: limit.blockMs ?? limit.windowMs };
  }

  /**
   * Straight to @nestjs/throttler's handleRequest (tracker, key, storage,
   * headers, refusal) with the limit the module's options set. Its own
   * canActivate reads five route/class metadata keys and awaits three value
   * resolvers per request, for per-route overrides (@Throttle / @SkipThrottle
   * naming 'ip' or 'merchant') that the relay's routes never carry: their
   * limits are the module's `rateLimit` option, and a host's own throttler
   * (its default name) is not ours to skip.
   */
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const own = this.own;
    if (!own) return true;
    return this.handleRequest({ context, ...own, getTracker: this.trackerFn, generateKey: this.keyFn });
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return createHash('sha256').update(`${name}\u0000${tracker}`).digest('base64url');
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const who = this.scope === 'ip' ? 'this client IP' : 'this merchant';
    throw new AssistException(
      AssistErrorCode.RATE_LIMITED,
      `rate limit exceeded for ${who}: at most ${detail.limit} requests per ${detail.ttl / 1000} s; retry in ${Math.max(1, detail.timeToBlockExpire)} s`,
    );
  }
}

/** Per client IP; runs before the signature check, so a flood costs no crypto or store work. */
@Injectable()
export class AssistIpThrottlerGuard extends AssistThrottlerGuard {
  protected readonly scope = 'ip' as const;
}

/**
 * Per merchant; runs after the signature check, so only requests signed with
 * the merchant's secret count: nobody can spend a merchant's budget by naming it.
 */
@Injectable()
export class AssistMerchantThrottlerGuard extends AssistThrottlerGuard {
  protected readonly scope = 'merchant' as const;

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const merchant = requestContext(req).merchant;
    return merchant ? `${merchant.mchNo}\u0000${merchant.appId ?? ''}` : 'unknown';
  }
}
