import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { openJson, sealingKey, sealJson } from '../kernel/seal';
import { AssistException } from '../kernel/assist.exception';
import { AssistLogger } from '../kernel/assist.logger';
import { AssistErrorCode } from '@unipay-assist/wire';
import { isRecord } from '@unipay-assist/wire';
import { COMPONENT_TICKET_TTL_MS, componentKeys, ComponentStore } from '../wechat-component/component.store';
import { InjectWechatComponent, ResolvedWechatComponent } from '../wechat-component/wechat-component.options';
import { InjectWechatOptions, ResolvedWechatOptions } from '../wechat/wechat.options';
import { WechatOAuthService } from '../wechat/wechat-oauth.service';

/** What the platform's token service counts, for tests and health. */
export interface ComponentTokenStats {
  /** Calls to cgi-bin/component/api_component_token made by this instance. */
  tokenFetches: number;
  /** Tickets this instance accepted and stored. */
  ticketsStored: number;
}

interface StoredTicket {
  ticket: string;
  /** WeChat's CreateTime (seconds): an older push never replaces a newer ticket. */
  createTime: number;
}

interface StoredToken {
  token: string;
  /** Epoch ms after which the token is refreshed (WeChat's expiry minus the margin). */
  refreshAt: number;
}

const SEAL_PURPOSE = 'wechat-component v1';

/**
 * The third-party platform's component_verify_ticket and
 * component_access_token. The ticket arrives by push (ComponentEventsService)
 * and is kept in the module's store, sealed; the token is fetched with it,
 * kept sealed for its lifetime minus a margin, and refreshed by one caller
 * at a time across every instance (a set-if-absent hold in the shared
 * store; the others wait for its result). Neither is ever logged.
 */
@Injectable()
export class ComponentTokenService {
  readonly stats: ComponentTokenStats = { tokenFetches: 0, ticketsStored: 0 };
  private inflight: Promise<string> | undefined;
  private readonly waitMs: number;

  constructor(
    @InjectWechatComponent() private readonly component: ResolvedWechatComponent | null,
    @Inject(ComponentStore) private readonly store: ComponentStore,
    private readonly wechat: WechatOAuthService,
    @InjectWechatOptions() wechatOptions: ResolvedWechatOptions,
    private readonly logger: AssistLogger,
  ) {
    // The refresher's worst case: one call to WeChat (and the exchange's one retry), plus slack.
    this.waitMs = 2 * wechatOptions.timeoutMs + 2000;
  }

  /** The configured platform, or 29321 for a merchant that names one on a gateway without it. */
  config(): ResolvedWechatComponent {
    if (!this.component) {
      throw new AssistException(
        AssistErrorCode.WECHAT_APP_UNAVAILABLE,
        'the merchant uses a WeChat third-party platform (viaComponent) and this gateway has none configured (wechatComponent)',
      );
    }
    return this.component;
  }

  /**
   * Stores a ticket from a verified push, unless the store holds a newer
   * one. True when stored.
   */
  async saveTicket(ticket: string, createTime: number): Promise<boolean> {
    const c = this.config();
    const key = componentKeys.ticket(c.appId);
    const held = await this.readTicket(c);
    if (held && held.createTime > createTime) return false;
    await this.store.set(key, sealJson({ t: ticket, c: createTime }, this.sealKey(c), key), COMPONENT_TICKET_TTL_MS);
    this.stats.ticketsStored++;
    return true;
  }

  /** True once a ticket is held (health and the demo say so); never the ticket. */
  async hasTicket(): Promise<boolean> {
    return this.component !== null && (await this.readTicket(this.component)) !== undefined;
  }

  /**
   * A valid component_access_token: the stored one, or a fresh one fetched
   * by exactly one caller (this instance's concurrent callers share its
   * promise; other instances wait for it in the store). 29320 while no
   * ticket has arrived; 29322 when WeChat refuses the ticket or secret;
   * WeChat's transport failures as 29301–29304.
   */
  async accessToken(traceId: string): Promise<string> {
    const c = this.config();
    const cached = await this.readToken(c);
    if (cached) return cached.token;
    if (!this.inflight) this.inflight = this.refresh(c, traceId).finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  /**
   * Drops the stored token if it is still `token` (WeChat said it is invalid
   * or expired: 40001, 42001), so the next caller fetches a new one.
   */
  async invalidate(token: string, traceId: string): Promise<void> {
    const c = this.config();
    const cached = await this.readToken(c);
    if (!cached || cached.token !== token) return;
    const key = componentKeys.token(c.appId);
    const raw = await this.store.get(key);
    if (raw !== undefined) await this.store.deleteIf(key, raw);
    this.logger.warn(traceId, 'wechat_component.token_dropped', { componentAppId: c.appId });
  }

  private async refresh(c: ResolvedWechatComponent, traceId: string): Promise<string> {
    const holdKey = componentKeys.refresh(c.appId);
    const deadline = Date.now() + this.waitMs;
    let pause = 20;
    for (;;) {
      const ticket = await this.readTicket(c);
      if (!ticket) {
        throw new AssistException(
          AssistErrorCode.COMPONENT_TICKET_MISSING,
          "the gateway's WeChat third-party platform has not received a component_verify_ticket yet (WeChat pushes one every 10 minutes to the events URL); retry later",
        );
      }
      const owner = randomUUID();
      if ((await this.store.setIfAbsent(holdKey, owner, this.waitMs)) === owner) {
        try {
          // Another instance may have stored a token between our read and the hold.
          const late = await this.readToken(c);
          if (late) return late.token;
          return await this.fetch(c, ticket, traceId);
        } finally {
          await this.store.deleteIf(holdKey, owner).catch(() => undefined);
        }
      }
      const stored = await this.readToken(c);
      if (stored) return stored.token;
      if (Date.now() + pause > deadline) {
        throw new AssistException(
          AssistErrorCode.EXCHANGE_IN_PROGRESS,
          "another instance is refreshing the WeChat platform's token and has not finished; retry shortly",
        );
      }
      await sleep(pause);
      pause = Math.min(pause * 2, 200);
    }
  }

  private async fetch(c: ResolvedWechatComponent, ticket: StoredTicket, traceId: string): Promise<string> {
    this.stats.tokenFetches++;
    const result = await this.wechat.fetchComponentToken({
      appId: c.appId,
      appSecret: c.appSecret,
      ticket: ticket.ticket,
    });
    if (!result.ok) {
      this.logger.warn(traceId, 'wechat_component.token_refused', { componentAppId: c.appId, errcode: result.errcode });
      throw new AssistException(
        AssistErrorCode.COMPONENT_TOKEN_REFUSED,
        `WeChat refused the third-party platform's token: ${result.reason}`,
      );
    }
    const lifeMs = result.expiresIn * 1000;
    // Lifetime minus the margin, but never less than a minute or half the life (a short-lived token is still reused).
    const keepMs = Math.max(Math.min(60_000, lifeMs / 2), lifeMs - c.tokenMarginMs);
    const key = componentKeys.token(c.appId);
    const value: Record<string, unknown> = { t: result.accessToken, r: Date.now() + keepMs };
    try {
      await this.store.set(key, sealJson(value, this.sealKey(c), key), keepMs);
    } catch {
      // The token is in hand: use it; the next caller fetches again.
      this.logger.warn(traceId, 'wechat_component.token_store_failed', { componentAppId: c.appId });
    }
    this.logger.log(traceId, 'wechat_component.token_refreshed', {
      componentAppId: c.appId,
      expiresIn: result.expiresIn,
    });
    return result.accessToken;
  }

  private async readTicket(c: ResolvedWechatComponent): Promise<StoredTicket | undefined> {
    const key = componentKeys.ticket(c.appId);
    const raw = await this.store.get(key);
    const v = raw === undefined ? undefined : openJson(raw, this.sealKey(c), key);
    if (!isRecord(v) || typeof v.t !== 'string' || typeof v.c !== 'number') return undefined;
    return { ticket: v.t, createTime: v.c };
  }

  private async readToken(c: ResolvedWechatComponent): Promise<StoredToken | undefined> {
    const key = componentKeys.token(c.appId);
    const raw = await this.store.get(key);
    const v = raw === undefined ? undefined : openJson(raw, this.sealKey(c), key);
    if (!isRecord(v) || typeof v.t !== 'string' || typeof v.r !== 'number' || v.r <= Date.now()) return undefined;
    return { token: v.t, refreshAt: v.r };
  }

  /** Ticket and token sealed with a key derived from the platform's AppSecret: a store dump alone yields neither. */
  private sealKey(c: ResolvedWechatComponent): Buffer {
    return sealingKey(c.appId, c.appSecret, SEAL_PURPOSE);
  }
}
