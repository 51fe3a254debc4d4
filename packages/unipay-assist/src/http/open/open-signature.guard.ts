import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash } from 'node:crypto';
import { OpenCode } from '@unipay-assist/wire';
import { OpenException } from '../../daxpay-open/open.exception';
import { InjectOpenOptions, ResolvedOpenOptions } from '../../daxpay-open/open.options';
import { OPEN_DIALECT } from '@unipay-assist/wire';
import { AssistLogger } from '../../kernel/assist.logger';
import { AssistClock, InjectAssistClock, nowSeconds, systemClock } from '../../kernel/clock';
import { requestContext } from '../../kernel/request-context';
import { Merchant } from '../../merchants/merchant';
import { MerchantProvider } from '../../merchants/merchant.provider';
import { replaySealKey } from '../../replay/replay-answer-seal';
import { ReplayAnswers } from '../../replay/replay-answers';
import { ReplayStore } from '../../replay/replay.store';
import { openReqTime, openSignString, openVerify } from '@unipay-assist/wire';
import { ASSIST_ROUTE, AssistRouteMetadata } from '../assist-route.decorator';
import { createAssistValidationPipe } from '../assist-validation.pipe';
import { replayKey } from '../guards/replay-claim';
import { IncomingRequest, readJsonBody } from '../guards/request-body';
import { resolveMerchant } from '../guards/request-merchant';
import { readQuery } from '../request-query';

import { OPEN_DEFAULTS, OPEN_LINK_ROUTE } from './open-route.decorator';
import { openState } from './open-request-state';

/**
 * DaxPay Open's checks on a signed request, in its order: the param's own
 * rules (10506) → the merchant (20023) → the sign over the server's typed
 * request, with any of the merchant's public keys (20052) → the nonce:
 * missing 10408, claimed by another request for this merchant 10409 → reqTime
 * within the merchant's window, both directions (10410). A byte-identical
 * re-send (same sign) gets its first answer from the replay memory before the
 * nonce step, so a retry is never a 10409. The get-openid link stops after the
 * sign, as DaxPay Open's does (a browser reloads it).
 */
@Injectable()
export class OpenSignatureGuard implements CanActivate {
  private readonly validation = createAssistValidationPipe();

  constructor(
    @Inject(MerchantProvider) protected readonly merchants: MerchantProvider,
    protected readonly replay: ReplayAnswers,
    @Inject(ReplayStore) protected readonly store: ReplayStore,
    @InjectOpenOptions() protected readonly open: ResolvedOpenOptions,
    protected readonly logger: AssistLogger,
    protected readonly reflector: Reflector,
    @Optional() @InjectAssistClock() protected readonly clock: AssistClock = systemClock,
  ) {}

  canActivate(context: ExecutionContext): Promise<boolean> {
    return this.check(context, this.reflector.get<AssistRouteMetadata | undefined>(ASSIST_ROUTE, context.getHandler()));
  }

  /**
   * The checks for one Open route. DaxPay 3.0's `auth` and DaxPay Open's share
   * a path under the default prefixes: the 3.0 route's SignatureGuard hands a
   * DaxPay Open merchant's request over here with the Open route's metadata.
   */
  async check(context: ExecutionContext, route: AssistRouteMetadata | undefined): Promise<boolean> {
    const req = context.switchToHttp().getRequest<IncomingRequest & { url?: string; originalUrl?: string }>();
    const ctx = requestContext(req);
    const state = openState(ctx);
    const link = route?.name === OPEN_LINK_ROUTE;
    const raw = link ? readQuery(req) : readJsonBody(req);
    // Echoed even when the request fails later (a reqId that breaks its own rule is not echoed).
    if (typeof raw.reqId === 'string' && raw.reqId.length <= 64) state.reqId = raw.reqId;

    const typed = (await this.validation.transform(raw, { type: 'body', metatype: route?.dto })) as Record<
      string,
      unknown
    >;
    const fields = serverFields(typed, route?.name);
    state.fields = fields;

    if (!this.open.platformKey) {
      throw new OpenException(
        OpenCode.SYSTEM_ERROR,
        'DaxPay Open is not configured on this gateway: it has no platform key (platformKey / ASSIST_PLATFORM_PRIVATE_KEY)',
      );
    }
    const merchant = await resolveMerchant(this.merchants, fields.mchNo as string, emptyToUndefined(fields.appId));
    if (merchant.dialect !== OPEN_DIALECT || !merchant.signPublicKeys) {
      throw new OpenException(
        OpenCode.CONFIG_NOT_ENABLE,
        'mchNo: this merchant is not a daxpay-open merchant on this gateway',
      );
    }

    const signString = openSignString(fields);
    state.signString = signString;
    if (openVerify(signString, typed.sign, merchant.signPublicKeys) < 0) {
      this.logger.warn(ctx.traceId, 'sign.rejected', { mchNo: merchant.mchNo, signType: 'RSA', route: route?.name });
      // An RSA sign string holds no secret; ping's holds only the common fields, so it helps a client find its mistake.
      const hint = route?.name === 'ping' ? `: the server's sign string is ${signString}` : '';
      throw new OpenException(OpenCode.VERIFY_SIGN_FAILED, `verify sign failed (SHA256withRSA)${hint}`);
    }
    ctx.merchant = merchant;
    if (link) return true;

    const nonce = typeof fields.nonceStr === 'string' ? fields.nonceStr.trim() : '';
    if (nonce === '')
      throw new OpenException(OpenCode.NONCE_MISSING, 'nonceStr: is required (a fresh random string per request)');
    const now = nowSeconds(this.clock);
    const reqTime = openReqTime(fields.reqTime)!.epoch;
    const windowEnds = reqTime + merchant.reqTimeout;

    const key = replayKey(merchant, typed.sign as string, route?.name ?? 'other');
    if (merchant.replay === 'reject') {
      await this.replay.claimOnce(key, Math.max(windowEnds, now + 1));
    } else {
      ctx.replay = await this.replay.enter({
        key,
        windowEnds: Math.max(windowEnds, now + 1),
        sealKey: this.sealKey(merchant),
        traceId: ctx.traceId,
      });
      if (ctx.replay.kind === 'replayed') return true;
    }

    // Held until no request carrying this reqTime can pass the window any more.
    const nonceTtlMs = Math.max(1, windowEnds - now + 1) * 1000;
    if (!(await this.store.claim(nonceKey(merchant, nonce), nonceTtlMs))) {
      throw new OpenException(
        OpenCode.NONCE_REUSED,
        'nonceStr: already used by another request of this merchant (send a new one per request)',
      );
    }
    if (Math.abs(now - reqTime) > merchant.reqTimeout) {
      throw new OpenException(
        OpenCode.REQ_TIME_OUTSIDE,
        `reqTime: is ${Math.abs(now - reqTime)} s ${reqTime > now ? 'ahead of' : 'behind'} the server clock (at most ${merchant.reqTimeout} s either way)`,
      );
    }
    return true;
  }

  /** Stored answers are sealed with a key derived from the platform's private key: every instance has it, a Redis dump does not. */
  private sealKey(merchant: Merchant): Buffer {
    const der = this.open.platformKey!.export({ format: 'der', type: 'pkcs8' });
    return replaySealKey(merchant, createHash('sha256').update(der).digest('hex'));
  }
}

/** One nonce per merchant: the key is a hash, so the store never holds a nonce in clear. */
function nonceKey(merchant: Merchant, nonce: string): string {
  return `open-nonce:${createHash('sha256')
    .update(`${merchant.mchNo}\u0000${merchant.appId ?? ''}\u0000${nonce}`)
    .digest('base64url')}`;
}

/** The request as DaxPay Open's server types it: present fields, the route's defaults, reqTime as the Beijing literal. */
function serverFields(typed: Record<string, unknown>, route: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(typed)) if (v !== undefined && v !== null) out[k] = v;
  for (const [k, v] of Object.entries(OPEN_DEFAULTS[route ?? ''] ?? {})) if (out[k] === undefined) out[k] = v;
  const time = openReqTime(out.reqTime);
  if (time) out.reqTime = time.literal;
  return out;
}

function emptyToUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
