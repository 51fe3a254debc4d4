import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { normalizeIp, ThrottlerStorage } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import { AssistException } from '../kernel/assist.exception';
import { AssistErrorCode } from '@unipay-assist/wire';
import { requestContext } from '../kernel/request-context';
import { MemoryThrottlerStorage } from './memory-throttler.storage';
import { RateLimit, RateLimitScope } from './rate-limit.options';

/** The module's own tokens, so a host's ThrottlerModule (global) and ours never collide. */
export const ASSIST_RATE_LIMITS = Symbol('AssistRateLimits');
export const ASSIST_THROTTLER_STORAGE = Symbol('AssistThrottlerStorage');

/** Resolved limits: undefined = that limit is off. */
export type ResolvedRateLimits = Record<RateLimitScope, RateLimit | undefined>;

/** What a storage's increment answers. */
type ThrottlerHit = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** Only this close to the limit (a tenth of it left, or less) does an answer carry the X-RateLimit-* headers. */
const HEADERS_FROM_REMAINING_SHARE = 0.1;

/** IPv6 clients are counted per /64, as @nestjs/throttler counts them by default. */
const IPV6_SUBNET_PREFIX = 64;

/**
 * One scope of the relay's limits, with @nestjs/throttler's rules and
 * storage contract (a fixed window per tracker, a block once over the limit,
 * any ThrottlerStorage): keys are per scope and tracker only (not per
 * route), so every relay route shares a budget, and a refusal is the
 * envelope's 29063 naming the limit.
 *
 * Not @nestjs/throttler's ThrottlerGuard: per request that guard reads five
 * metadata keys and awaits three resolvers for per-route overrides
 * (@Throttle / @SkipThrottle naming 'ip' or 'merchant') that the relay's
 * routes never carry, and a host's own throttler is not ours to skip. This
 * one answers without a promise when the counts live in this process (the
 * module's memory storage): it runs twice on every relay request.
 *
 * Headers: `X-RateLimit-{Limit,Remaining,Reset}-<scope>` once a client has a
 * tenth of its budget or less left, and `Retry-After-<scope>` with the
 * refusal. A client far from its limit gets none, which keeps six headers
 * off every ordinary answer.
 */
@Injectable()
abstract class AssistThrottlerGuard implements CanActivate {
  protected abstract readonly scope: RateLimitScope;
  /** The storage's promise-free increment, when the counts live in this process. */
  private readonly incrementNow?: MemoryThrottlerStorage['incrementNow'];
  /** Storage keys by tracker: the key is a hash, and one client sends many requests. */
  private readonly keys = new Map<string, string>();

  // The two scopes inherit this constructor and its injection tokens.
  constructor(
    @Inject(ASSIST_RATE_LIMITS) private readonly limits: ResolvedRateLimits,
    @Inject(ASSIST_THROTTLER_STORAGE) protected readonly storage: ThrottlerStorage,
  ) {
    if (storage instanceof MemoryThrottlerStorage) this.incrementNow = (...args) => storage.incrementNow(...args);
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const limit = this.limits[this.scope];
    if (!limit) return true;
    const http = context.switchToHttp();
    const tracker = this.trackerOf(http.getRequest<Record<string, unknown>>());
    const key = this.keyOf(tracker);
    const res = http.getResponse<object>();
    const blockMs = limit.blockMs ?? limit.windowMs;
    if (this.incrementNow) {
      return this.decide(res, limit, this.incrementNow(key, limit.windowMs, limit.limit, blockMs, this.scope));
    }
    return this.storage
      .increment(key, limit.windowMs, limit.limit, blockMs, this.scope)
      .then((hit) => this.decide(res, limit, hit));
  }

  /** Who is counted: the client IP (IPv6 by subnet); the merchant guard counts merchants. */
  protected trackerOf(req: Record<string, unknown>): string {
    return normalizeIp(typeof req.ip === 'string' ? req.ip : '', IPV6_SUBNET_PREFIX);
  }

  /** The storage key: a hash, so neither an IP nor a merchant number sits in Redis in clear. */
  protected generateKey(tracker: string): string {
    return createHash('sha256').update(`${this.scope}\u0000${tracker}`).digest('base64url');
  }

  private decide(res: object, limit: RateLimit, hit: ThrottlerHit): true {
    if (hit.isBlocked) {
      setHeader(res, `Retry-After-${this.scope}`, hit.timeToBlockExpire);
      const who = this.scope === 'ip' ? 'this client IP' : 'this merchant';
      throw new AssistException(
        AssistErrorCode.RATE_LIMITED,
        `rate limit exceeded for ${who}: at most ${limit.limit} requests per ${limit.windowMs / 1000} s; retry in ${Math.max(1, hit.timeToBlockExpire)} s`,
      );
    }
    const remaining = Math.max(0, limit.limit - hit.totalHits);
    if (remaining <= Math.floor(limit.limit * HEADERS_FROM_REMAINING_SHARE)) {
      setHeader(res, `X-RateLimit-Limit-${this.scope}`, limit.limit);
      setHeader(res, `X-RateLimit-Remaining-${this.scope}`, remaining);
      setHeader(res, `X-RateLimit-Reset-${this.scope}`, hit.timeToExpire);
    }
    return true;
  }

  private keyOf(tracker: string): string {
    let key = this.keys.get(tracker);
    if (key === undefined) {
      // Bounded: a flood from many addresses costs a hash each, never memory.
      if (this.keys.size >= 10_000) this.keys.clear();
      key = this.generateKey(tracker);
      this.keys.set(tracker, key);
    }
    return key;
  }
}

/** Express's and Fastify's replies both take headers, by different names. */
function setHeader(res: object, name: string, value: number): void {
  const reply = res as { header?: (n: string, v: number) => unknown; setHeader?: (n: string, v: number) => unknown };
  if (typeof reply.header === 'function') reply.header(name, value);
  else if (typeof reply.setHeader === 'function') reply.setHeader(name, value);
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

  protected override trackerOf(req: Record<string, unknown>): string {
    const merchant = requestContext(req).merchant;
    return merchant ? `${merchant.mchNo}\u0000${merchant.appId ?? ''}` : 'unknown';
  }
}
