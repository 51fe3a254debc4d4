import { Inject, Injectable, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CodeExchangeService } from '../exchange/code-exchange.service';
import { exchangeScope } from '../exchange/exchange-key';
import { ASSIST_ROUTE_PREFIX } from '../kernel/route-prefix';
import { normalizePrefix } from '../http/route-paths';
import { AssistException } from '../kernel/assist.exception';
import { AssistLogger } from '../kernel/assist.logger';
import { AssistErrorCode } from '@unipay-assist/wire';
import { mask } from '@unipay-assist/wire';
import { AssistRequestContext } from '../kernel/request-context';
import { Merchant } from '../merchants/merchant';
import { answeringMerchant, trustedMerchant } from '../merchants/trusted-merchant';
import { MerchantProvider } from '../merchants/merchant.provider';
import { checkRedirectUrl } from '../merchants/redirect-hosts';
import { ChannelAuthStatus } from '@unipay-assist/wire';
import { WechatOAuthService } from '../wechat/wechat-oauth.service';
import { SNAPSHOT_USER_REFUSED } from '../wechat/wechat-snapshot-user';
import { AuthChannel, authChannelOf, AUTO_CHANNEL } from '../channel-auth/auth-channel';
import { isAlipayBrowser } from '../channel-auth/alipay-browser';
import { AlipayRelayService } from './alipay-relay.service';
import { ownAppsOnly, WechatAppsService } from './wechat-apps.service';
import { DouyinOAuthService } from '../douyin/douyin-oauth.service';
import {
  AuthFlow,
  codeDigest,
  FlowIdentity,
  FlowMode,
  flowKeys,
  openFlow,
  openRef,
  ownedBy,
  returnsToMerchant,
  recordOwner,
  sealRecord,
} from '../channel-auth/auth-flow';
import { AuthPage, PAGES } from '../channel-auth/auth-pages';
import { CHANNEL_AUTH_TTL_MS, ChannelAuthStore } from '../channel-auth/channel-auth.store';
import { isFlowToken, mintFlowToken } from '../channel-auth/flow-token';
import { InjectHostedAuthOptions, ResolvedHostedAuthOptions } from '../channel-auth/hosted-auth.options';
import { isWechatBrowser } from '../channel-auth/wechat-browser';
import { bindingCookie, bindingDigest, readBindingCookie } from '../channel-auth/browser-binding';
import { isOAuthCodeShape, MAX_CALLBACKS_PER_STATE, MAX_FAILED_EXCHANGES_PER_FLOW } from '../channel-auth/flow-limits';
import { InjectOpenOptions, ResolvedOpenOptions } from '../daxpay-open/open.options';
import { OpenCode } from '@unipay-assist/wire';
import { OpenException } from '../daxpay-open/open.exception';
import { openReturnUrl } from '../daxpay-open/open-return-url';

/** Business data of generateAuthUrl (AuthUrlResult), before the dialect signs it. */
export type AuthUrlData = { code: 0; authUrl: string; queryCode: string };

/** Business data of auth (AuthResult, plus unionId / snapshotUser where the dialect carries them). */
export type AuthData =
  | {
      code: 0;
      status: ChannelAuthStatus;
      openId?: string;
      userId?: string;
      accessToken?: string;
      /** The WeChat app the openId belongs to (2.0.6 only: the dialect whose answer carries extras). */
      wxAppId?: string;
      unionId?: string;
      snapshotUser?: true;
      nickname?: string;
      headImgUrl?: string;
    }
  | { code: 1; msg: string; wxErrcode?: number };

/** DaxPay Open's AuthUrlResult: the OAuth state is the session's authToken. */
export type OpenAuthUrlData = { code: 0; authUrl: string; queryCode: string; authToken: string };

/** DaxPay Open's AuthResult (status `fail` for a failed flow; the WeChat access token is never answered). */
export type OpenAuthData =
  | {
      code: 0;
      status: 'waiting' | 'success' | 'fail' | 'not_exist';
      openId?: string;
      userId?: string;
      returnPath?: string;
    }
  | { code: 1; msg: string; wxErrcode?: number };

export interface OpenAuthInput {
  channel: AuthChannel;
  authCode?: string;
  authToken?: string;
  queryCode?: string;
}

/** Business data of authAndSet: nothing on success. */
export type AuthAndSetData = { code: 0 } | { code: 1; msg: string; wxErrcode?: number };

/** What a browser route answers: a page, or a redirect; `setCookie` binds a redirect-back flow to the browser (the jump sets it). */
export type BrowserOutcome =
  { kind: 'page'; page: AuthPage; setCookie?: string } | { kind: 'redirect'; url: string; setCookie?: string };

export interface GenerateAuthUrlInput {
  channel: string;
  authType?: string;
  authPath?: string;
}

export interface AuthCodeInput {
  channel: string;
  authType?: string;
  authCode?: string;
  queryCode?: string;
}

export interface JumpInput {
  channel?: string;
  authType?: string;
  redirectUrl: string;
  extParam?: string;
  sign?: string;
}

/** The module's browser routes (jump and both callbacks) live below this path: the binding cookie's Path. */
const CHANNEL_AUTH_ROUTES = 'channel/auth';

/** The path of the gateway's own WeChat callback, below the module's prefix. */
export const WECHAT_CALLBACK_PATH = 'channel/auth/callback/wechat';

/** The path of the gateway's own Alipay callback (Alipay's redirect_uri), below the module's prefix. */
export const ALIPAY_CALLBACK_PATH = 'channel/auth/callback/alipay';

/** The gateway's Douyin callback: the redirect_uri to register on the Douyin app (Douyin takes no query in it). */
export const DOUYIN_CALLBACK_PATH = 'channel/auth/callback/douyin';

/**
 * No DaxPay 2.0 SDK has a model for the channel-auth routes, so a 2.0.6
 * client checks data.sign over whatever data carries (SPEC's rule) and
 * fields beyond DaxPay's travel signed. 3.0 reads data into its typed
 * AuthResult and would drop them (its dialect does), and the other
 * generations' answers are their dialects' own: none of them get extras.
 */
const EXTRA_FIELD_DIALECTS: ReadonlySet<string> = new Set(['daxpay-2.0.6']);

export const SNAPSHOT_REFUSED = SNAPSHOT_USER_REFUSED;

export const CODE_OF_ANOTHER_FLOW = 'this authorization code was already used for another authorization';

type ExchangeOutcome = { ok: true; identity: FlowIdentity } | { ok: false; msg: string; wxErrcode?: number };
type Completion = { kind: 'done'; flow: AuthFlow } | { kind: 'taken'; flow: AuthFlow };

/**
 * Channel auth, DaxPay 3.0's generateAuthUrl / auth / authAndSet, and the
 * gateway-hosted WeChat callback and jump link. A flow lives 5 minutes under
 * its queryCode, sealed, readable by its merchant only; its OAuth state is
 * minted here and bound to the first code that completes it; every exchange
 * goes through the idempotent CodeExchangeService, so a repeated code gets
 * the same answer and never WeChat's 40163.
 */
@Injectable()
export class ChannelAuthService {
  constructor(
    private readonly wechat: WechatOAuthService,
    private readonly exchanges: CodeExchangeService,
    @Inject(ChannelAuthStore) private readonly store: ChannelAuthStore,
    @Inject(MerchantProvider) private readonly merchants: MerchantProvider,
    @InjectHostedAuthOptions() private readonly hosted: ResolvedHostedAuthOptions | null,
    @Inject(ASSIST_ROUTE_PREFIX) private readonly routePrefix: string,
    private readonly logger: AssistLogger,
    // Optional so a WeChat-only construction (unit tests) keeps working; the module always provides it.
    @Optional() private readonly alipay?: AlipayRelayService,
    // Optional for the same reason: without it a merchant's own WeChat app is used, as before.
    @Optional() private readonly wechatApps?: WechatAppsService,
    @Optional() private readonly douyin?: DouyinOAuthService,
    // DaxPay Open's platform key signs the get-openid return; absent in constructions without the Open routes.
    @Optional() @InjectOpenOptions() private readonly open?: ResolvedOpenOptions,
  ) {}

  /** The merchant's WeChat app resolver; a construction without one (unit tests) knows own apps only. */
  private get apps(): WechatAppsService {
    if (this.wechatApps) return this.wechatApps;
    return ownAppsOnly(this.wechat);
  }

  /** The gateway's callback URL WeChat redirects to, or null when hosted authorization is off. */
  callbackUrl(): string | null {
    return this.publicRouteUrl(WECHAT_CALLBACK_PATH);
  }

  /** A route of the module (`channel/auth/jump`) at the gateway's public base URL, or null when hosted authorization is off. */
  publicRouteUrl(path: string): string | null {
    return this.hosted ? `${this.hosted.publicBaseUrl}${normalizePrefix(this.routePrefix)}/${path}` : null;
  }

  async generateAuthUrl(ctx: AssistRequestContext, input: GenerateAuthUrlInput): Promise<AuthUrlData> {
    const merchant = answeringMerchant(ctx);
    const channel = this.channelOf(merchant, input.channel, input.authType);
    const queryCode = mintFlowToken();
    const { mode, redirectUri } = this.redirectTarget(merchant, input.authPath, queryCode, channel);
    const state = mintFlowToken();
    await this.saveNewFlow(merchant, queryCode, state, { mode, channel, status: 'waiting', createdAt: Date.now() });
    ctx.answered = { event: 'channel_auth.started', fields: { mode, channel, queryCode: mask(queryCode) } };
    return { code: 0, authUrl: this.authorizeUrl(merchant, channel, redirectUri, state), queryCode };
  }

  async auth(ctx: AssistRequestContext, input: AuthCodeInput): Promise<AuthData> {
    const merchant = answeringMerchant(ctx);
    const channel = this.channelOf(merchant, input.channel, input.authType);
    const authCode = present(input.authCode);
    const queryCode = present(input.queryCode);
    if (authCode === undefined) {
      if (queryCode === undefined) throw AssistException.invalidField('authCode', 'or queryCode is required');
      // DaxPay's queryAuthResult: the stored result, or not_exist.
      const flow = await this.readFlow(merchant, queryCode);
      ctx.answered = {
        event: 'channel_auth.read',
        fields: { queryCode: mask(queryCode), status: flow?.status ?? 'not_exist' },
      };
      // 'waiting' is a poll's "not yet": an identical retry must read again, not get this answer back.
      if (flow?.status === 'waiting') ctx.provisional = true;
      return flow ? this.answerOf(merchant, flow) : { code: 0, status: 'not_exist' };
    }
    if (queryCode === undefined) {
      const outcome = await this.exchange(merchant, channel, authCode, ctx, exchangeScope(merchant, 'direct'));
      return outcome.ok ? this.identityAnswer(merchant, outcome.identity) : failureData(outcome.msg, outcome.wxErrcode);
    }
    // A queryCode this gateway never minted for the merchant is not_exist, and the code stays unspent.
    const flow = await this.readFlow(merchant, queryCode);
    if (!flow) return { code: 0, status: 'not_exist' };
    const completion = await this.complete(merchant, queryCode, flow, authCode, ctx);
    if (completion.kind === 'taken') throw taken();
    return this.answerOf(merchant, completion.flow);
  }

  async authAndSet(ctx: AssistRequestContext, input: AuthCodeInput): Promise<AuthAndSetData> {
    const merchant = answeringMerchant(ctx);
    this.channelOf(merchant, input.channel, input.authType);
    const authCode = present(input.authCode);
    const queryCode = present(input.queryCode);
    if (authCode === undefined) throw AssistException.invalidField('authCode', 'is required');
    if (queryCode === undefined)
      throw AssistException.invalidField('queryCode', 'is required (the result is stored under it)');
    const flow = await this.readFlow(merchant, queryCode);
    if (!flow) {
      throw new AssistException(
        AssistErrorCode.QUERY_CODE_UNKNOWN,
        'queryCode: unknown or expired (generateAuthUrl mints one, valid 5 minutes)',
      );
    }
    const completion = await this.complete(merchant, queryCode, flow, authCode, ctx);
    if (completion.kind === 'taken') throw taken();
    const flowDone = completion.flow;
    return flowDone.status === 'success' ? { code: 0 } : failureData(flowDone.failure, flowDone.wxErrcode);
  }

  /**
   * WeChat's redirect to the gateway: `code` and `state` (or `state` alone
   * when the payer refused). `cookieHeader` is the request's Cookie header
   * (a redirect-back flow completes only in the browser that opened its jump).
   */
  wechatCallback(
    query: { code?: string; state?: string },
    ctx: AssistRequestContext,
    cookieHeader?: unknown,
  ): Promise<BrowserOutcome> {
    return this.callback('wechat_pay', query.code, query.state, cookieHeader, ctx);
  }

  /** Alipay's redirect to the gateway: `auth_code` and `state`; same rules as WeChat's. */
  alipayCallback(
    query: { auth_code?: string; state?: string },
    ctx: AssistRequestContext,
    cookieHeader?: unknown,
  ): Promise<BrowserOutcome> {
    return this.callback('ali_pay', query.auth_code, query.state, cookieHeader, ctx);
  }

  /**
   * A channel's redirect to the gateway, unauthenticated (anyone can send
   * one: a state is readable off any checkout QR). In order, and nothing is
   * written and nothing called upstream before a step passes: the code's
   * shape; a state this gateway minted for a live flow of this channel; the
   * per-state callback limit (a counter of that flow); for a redirect-back
   * flow, the browser binding; the flow still open; then the flow's single
   * exchange (complete), whose failures are counted and close the flow at
   * the cap. The page (or the redirect-back) says what happened.
   */
  private async callback(
    channel: AuthChannel,
    rawCode: string | undefined,
    state: string | undefined,
    cookieHeader: unknown,
    ctx: AssistRequestContext,
  ): Promise<BrowserOutcome> {
    const label = channel === 'ali_pay' ? 'Alipay' : channel === 'douyin' ? 'Douyin' : 'WeChat';
    const tag = channel === 'wechat_pay' ? {} : { channel };
    // WeChat's explicit refusal is `authdeny`; Alipay has none, a payer who refuses comes back with state and no auth_code.
    // Douyin's silent authorization has no consent to decline: no code means Douyin could not authorize.
    const declined =
      channel !== 'douyin' && (rawCode === undefined || (channel === 'wechat_pay' && rawCode === 'authdeny'));
    const code = rawCode ?? '';
    if (!declined && code !== '' && !isOAuthCodeShape(code)) return page(PAGES.noCode(label));
    const found = await this.flowOfState(state);
    // A state is completed by its own channel's callback only (an Alipay or Douyin code is that channel's).
    if (!found || (found.flow.channel ?? 'wechat_pay') !== channel) {
      this.logger.warn(ctx.traceId, 'channel_auth.callback_refused', {
        ...tag,
        reason: state ? 'unknown or expired state' : 'no state',
      });
      return page(PAGES.badLink());
    }
    const { merchant, queryCode, flow } = found;
    if (
      (await this.store.increment(flowKeys.callbacks(state as string), CHANNEL_AUTH_TTL_MS)) > MAX_CALLBACKS_PER_STATE
    ) {
      this.logger.warn(ctx.traceId, 'channel_auth.callback_refused', {
        ...tag,
        mchNo: merchant.mchNo,
        queryCode: mask(queryCode),
        reason: 'too many callbacks for this state',
      });
      return page(PAGES.tooManyCallbacks());
    }
    // Every flow that sends the payer back to the merchant (jump, Open's get-openid) completes only in its browser.
    if (returnsToMerchant(flow) && !this.boundToBrowser(flow, readBindingCookie(cookieHeader))) {
      // Login CSRF (someone else's code landing in this browser) or a forwarded link: no exchange, no queryCode.
      this.logger.warn(ctx.traceId, 'channel_auth.callback_refused', {
        ...tag,
        mchNo: merchant.mchNo,
        queryCode: mask(queryCode),
        reason: 'not the browser that opened the link',
      });
      return page(PAGES.otherBrowser());
    }
    if (flow.closed) return this.finished(queryCode, flow);
    if (declined || code === '') {
      const reason = declined
        ? 'the payer declined authorization'
        : `${label} came back without ${channel === 'ali_pay' ? 'an auth code' : channel === 'douyin' ? 'an authorization code' : 'a code'}`;
      const after = await this.fail(merchant, queryCode, flow, reason);
      this.logger.log(ctx.traceId, 'channel_auth.declined', {
        ...tag,
        mchNo: merchant.mchNo,
        queryCode: mask(queryCode),
      });
      if (after.status === 'success' || returnsToMerchant(flow)) return this.finished(queryCode, after);
      return page(declined ? PAGES.declined() : PAGES.noCode(label));
    }
    const completion = await this.complete(merchant, queryCode, flow, code, ctx);
    if (completion.kind === 'taken') {
      // A second tab or a late redirect with another code: the flow keeps its first result.
      return completion.flow.status === 'waiting'
        ? page(PAGES.inProgress())
        : this.finished(queryCode, completion.flow);
    }
    return this.finished(queryCode, completion.flow);
  }

  /** True when the request carries the binding cookie of the browser that opened this redirect-back flow's jump. */
  private boundToBrowser(flow: AuthFlow, token: string | undefined): boolean {
    return flow.browser !== undefined && token !== undefined && bindingDigest(token) === flow.browser;
  }

  /** The binding cookie for `token`, scoped to the public path of the module's channel-auth routes. */
  private bindingCookieFor(token: string): string {
    const routes = new URL(this.publicRouteUrl(CHANNEL_AUTH_ROUTES) as string);
    return bindingCookie(token, routes.pathname, routes.protocol === 'https:');
  }

  /**
   * Douyin's redirect to the gateway after the silent authorization: `code`
   * and `state`. As for Alipay: the state must be one this gateway minted
   * for a Douyin flow and still holds; the flow is completed once.
   */
  douyinCallback(
    query: { code?: string; state?: string },
    ctx: AssistRequestContext,
    cookieHeader?: unknown,
  ): Promise<BrowserOutcome> {
    return this.callback('douyin', query.code, query.state, cookieHeader, ctx);
  }

  /**
   * The signed jump link (redirect-back): inside WeChat, 302 to WeChat's
   * authorize URL for a new flow, or the one this same link started (a
   * refresh in the same browser resumes it; another browser, or a re-open once
   * it finished, gets a page and never the queryCode); outside WeChat,
   * a page saying to open it there.
   */
  async jump(
    ctx: AssistRequestContext,
    input: JumpInput,
    userAgent: unknown,
    selfUrl: string,
    cookieHeader?: unknown,
  ): Promise<BrowserOutcome> {
    const merchant = answeringMerchant(ctx);
    const auto = input.channel === AUTO_CHANNEL || input.authType === AUTO_CHANNEL;
    // AUTO (Jeepay's ifCode=AUTO): Alipay inside Alipay, WeChat inside WeChat, elsewhere a page naming both.
    const picked: AuthChannel = auto
      ? isAlipayBrowser(userAgent) && merchant.alipay
        ? 'ali_pay'
        : 'wechat_pay'
      : this.channelOf(merchant, input.channel ?? 'wechat_pay', input.authType);
    const callback = this.requireCallback(picked);
    const check = checkRedirectUrl(input.redirectUrl, merchant.redirectHosts);
    if (!check.ok) throw new AssistException(AssistErrorCode.REDIRECT_NOT_ALLOWED, `redirectUrl: ${check.reason}`);
    if (auto && !isWechatBrowser(userAgent) && !(picked === 'ali_pay')) {
      return page(merchant.alipay ? PAGES.openInWechatOrAlipay(selfUrl) : PAGES.openInWechat(selfUrl));
    }
    if (!auto && picked === 'wechat_pay' && !isWechatBrowser(userAgent)) return page(PAGES.openInWechat(selfUrl));
    // Douyin's silent_auth only works inside the Douyin app; elsewhere Douyin's own page says so.

    // The browser's binding: the one it already holds (several flows may share it), or a new one.
    const held = readBindingCookie(cookieHeader);
    const token = held ?? mintFlowToken();
    // Per channel: one AUTO link opened in WeChat and in Alipay makes two flows.
    const jumpKey = input.sign
      ? flowKeys.jump(merchant, picked === 'wechat_pay' ? input.sign : `${input.sign}\u0000${picked}`)
      : undefined;
    let ref = jumpKey ? openRef(await this.store.get(jumpKey), jumpKey, merchant) : undefined;
    let setCookie: string | undefined;
    if (!ref) {
      const queryCode = mintFlowToken();
      const state = mintFlowToken();
      const extParam = present(input.extParam);
      await this.saveNewFlow(merchant, queryCode, state, {
        mode: 'redirect',
        channel: picked,
        status: 'waiting',
        // The checked, normalised form: the payer is sent back to exactly what the allow-list passed.
        redirectUrl: check.url,
        ...(extParam !== undefined && { extParam }),
        createdAt: Date.now(),
        browser: bindingDigest(token),
      });
      ref = { queryCode, state };
      if (jumpKey) {
        // Two loads of one link at once: the first one's flow wins, the other is left to expire.
        const winner = await this.store.setIfAbsent(jumpKey, sealRecord(merchant, jumpKey, ref), CHANNEL_AUTH_TTL_MS);
        ref = openRef(winner, jumpKey, merchant) ?? ref;
      }
      setCookie = this.bindingCookieFor(token);
    }
    const flow = await this.readFlow(merchant, ref.queryCode);
    if (!flow) return page(PAGES.badLink());
    // One link, one browser: the link opened (or forwarded) elsewhere does not join or finish this flow.
    if (!this.boundToBrowser(flow, token)) return page(PAGES.otherBrowser());
    // The payer was sent back once; a re-open never lands with the queryCode again.
    if (flow.status !== 'waiting') return page(PAGES.alreadyFinished());
    ctx.answered = { event: 'channel_auth.jump', fields: { queryCode: mask(ref.queryCode) } };
    return {
      kind: 'redirect',
      url: this.authorizeUrl(merchant, picked, callback, ref.state ?? ''),
      ...(setCookie !== undefined && { setCookie }),
    };
  }

  /**
   * DaxPay Open's generate-auth-url: a flow whose OAuth state is the
   * `authToken` it answers (DaxPay Open's session token), completed by the
   * gateway's own callback (the part DaxPay Open's H5 page plays), read back
   * with `auth` by queryCode. `returnPath` is kept and answered in AuthResult.
   */
  async openGenerateAuthUrl(
    ctx: AssistRequestContext,
    input: { channel: AuthChannel; returnPath?: string },
  ): Promise<OpenAuthUrlData> {
    const merchant = trustedMerchant(ctx);
    const channel = this.channelOf(merchant, input.channel, undefined);
    const callback = this.requireCallback(channel);
    const queryCode = mintFlowToken();
    const authToken = mintFlowToken();
    const returnPath = present(input.returnPath);
    await this.saveNewFlow(merchant, queryCode, authToken, {
      mode: 'qr',
      channel,
      status: 'waiting',
      ...(returnPath !== undefined && { returnPath }),
      createdAt: Date.now(),
    });
    ctx.answered = { event: 'channel_auth.started', fields: { mode: 'open-qr', channel, queryCode: mask(queryCode) } };
    return { code: 0, authUrl: this.authorizeUrl(merchant, channel, callback, authToken), queryCode, authToken };
  }

  /**
   * DaxPay Open's auth: with `authCode` and the session (`authToken`, or
   * `queryCode`), completes the flow once and answers its result; with
   * `authCode` alone, a plain exchange; with only `queryCode` (or
   * `authToken`), the flow's status: waiting, success, fail or not_exist.
   * An unknown or expired authToken is DaxPay Open's 20080.
   */
  async openAuth(ctx: AssistRequestContext, input: OpenAuthInput): Promise<OpenAuthData> {
    const merchant = trustedMerchant(ctx);
    const channel = this.channelOf(merchant, input.channel, undefined);
    const authCode = present(input.authCode);
    const queryCode = await this.openQueryCode(merchant, input);
    if (queryCode === undefined) {
      if (authCode === undefined)
        throw AssistException.invalidField('authCode', 'or authToken or queryCode is required');
      const outcome = await this.exchange(merchant, channel, authCode, ctx, exchangeScope(merchant, 'direct'));
      return outcome.ok ? openIdentity(outcome.identity, undefined) : failureData(outcome.msg, outcome.wxErrcode);
    }
    const flow = await this.readFlow(merchant, queryCode);
    if (!flow) return { code: 0, status: 'not_exist' };
    if (authCode === undefined) {
      ctx.answered = { event: 'channel_auth.read', fields: { queryCode: mask(queryCode), status: flow.status } };
      if (flow.status === 'waiting') ctx.provisional = true;
      return openStatus(flow);
    }
    const completion = await this.complete(merchant, queryCode, flow, authCode, ctx);
    if (completion.kind === 'taken') throw taken();
    const done = completion.flow;
    return done.status === 'failed' ? failureData(done.failure, done.wxErrcode) : openStatus(done);
  }

  /** DaxPay Open's auth-and-set: completes the session's flow with the code; nothing to answer but success. */
  async openAuthAndSet(ctx: AssistRequestContext, input: OpenAuthInput): Promise<AuthAndSetData> {
    const merchant = trustedMerchant(ctx);
    this.channelOf(merchant, input.channel, undefined);
    const authCode = present(input.authCode);
    if (authCode === undefined) throw AssistException.invalidField('authCode', 'is required');
    const queryCode = await this.openQueryCode(merchant, input);
    if (queryCode === undefined)
      throw AssistException.invalidField('authToken', 'or queryCode is required (the result is stored under it)');
    const flow = await this.readFlow(merchant, queryCode);
    if (!flow)
      throw new OpenException(
        OpenCode.OPERATION_FAIL,
        'the authorization session has expired: generate a new auth URL',
      );
    const completion = await this.complete(merchant, queryCode, flow, authCode, ctx);
    if (completion.kind === 'taken') throw taken();
    return completion.flow.status === 'success'
      ? { code: 0 }
      : failureData(completion.flow.failure, completion.flow.wxErrcode);
  }

  /**
   * DaxPay Open's get-openid (the signed link was verified): a flow of the
   * `open` scene, then 302 to the channel's authorize page; the gateway's
   * callback sends the payer back to `redirectUrl` with the platform-signed
   * result. Beyond DaxPay Open: redirectUrl must be on the merchant's allow-list.
   */
  async openGetOpenId(
    ctx: AssistRequestContext,
    input: { channel: AuthChannel; redirectUrl: string },
    cookieHeader?: unknown,
  ): Promise<BrowserOutcome> {
    const merchant = trustedMerchant(ctx);
    const channel = this.channelOf(merchant, input.channel, undefined);
    const check = checkRedirectUrl(input.redirectUrl, merchant.redirectHosts);
    if (!check.ok) throw new AssistException(AssistErrorCode.REDIRECT_NOT_ALLOWED, `redirectUrl: ${check.reason}`);
    const callback = this.requireCallback(channel);
    const queryCode = mintFlowToken();
    const state = mintFlowToken();
    // Bound to this browser as the jump is: the platform-signed openid goes back only where the link was opened.
    const token = readBindingCookie(cookieHeader) ?? mintFlowToken();
    await this.saveNewFlow(merchant, queryCode, state, {
      mode: 'open',
      channel,
      status: 'waiting',
      redirectUrl: check.url,
      createdAt: Date.now(),
      browser: bindingDigest(token),
    });
    ctx.answered = { event: 'channel_auth.open_link', fields: { channel, queryCode: mask(queryCode) } };
    return {
      kind: 'redirect',
      url: this.authorizeUrl(merchant, channel, callback, state),
      setCookie: this.bindingCookieFor(token),
    };
  }

  /** The flow an Open request names: by authToken (its OAuth state; unknown or foreign is 20080) or by queryCode. */
  private async openQueryCode(merchant: Merchant, input: OpenAuthInput): Promise<string | undefined> {
    const token = present(input.authToken);
    if (token !== undefined) {
      const key = flowKeys.state(token);
      const ref = isFlowToken(token) ? openRef(await this.store.get(key), key, merchant) : undefined;
      if (!ref)
        throw new OpenException(
          OpenCode.OPERATION_FAIL,
          'the authorization session has expired or is unknown: generate a new auth URL',
        );
      return ref.queryCode;
    }
    return present(input.queryCode);
  }

  /** Where a finished flow sends the payer: back to the merchant (redirect mode, queryCode and extParam only), or a page. */
  private finished(queryCode: string, flow: AuthFlow): BrowserOutcome {
    if (flow.mode === 'open' && flow.redirectUrl && this.open?.platformKey) {
      return { kind: 'redirect', url: openReturnUrl(flow, this.open.platformKey) };
    }
    if (flow.mode === 'redirect' && flow.redirectUrl) {
      const back = new URL(flow.redirectUrl);
      back.searchParams.set('queryCode', queryCode);
      if (flow.extParam !== undefined) back.searchParams.set('extParam', flow.extParam);
      return { kind: 'redirect', url: back.toString() };
    }
    if (flow.status === 'success') return page(PAGES.done());
    if (flow.closed) return page(PAGES.closed());
    return page(PAGES.failed(flow.failure ?? 'authorization failed'));
  }

  /** The redirect_uri of a new flow: the gateway's callback, or the merchant's own page at authPath. */
  private redirectTarget(
    merchant: Merchant,
    authPath: string | undefined,
    queryCode: string,
    channel: AuthChannel = 'wechat_pay',
  ): { mode: FlowMode; redirectUri: string } {
    const path = present(authPath);
    if (path === undefined) return { mode: 'qr', redirectUri: this.requireCallback(channel) };
    if (channel === 'douyin') {
      throw AssistException.invalidField(
        'authPath',
        "is not available for channel douyin: Douyin's redirect_uri must be the registered one, without a query (omit authPath: the gateway's callback)",
      );
    }
    let target: URL;
    if (path.startsWith('/') && !path.startsWith('//')) {
      // DaxPay's authPath: a page on the gateway's own web front, below its public base URL.
      if (!this.hosted) throw hostedOff('authPath as a path needs the gateway public base URL');
      if (/[\\\s]/.test(path)) throw AssistException.invalidField('authPath', 'must not contain spaces or backslashes');
      target = new URL(`${this.hosted.publicBaseUrl}${path}`);
    } else {
      // An absolute URL: a merchant page, so on the merchant's allow-list like any redirect.
      const check = checkRedirectUrl(path, merchant.redirectHosts);
      if (!check.ok) throw new AssistException(AssistErrorCode.REDIRECT_NOT_ALLOWED, `authPath: ${check.reason}`);
      target = new URL(check.url);
    }
    // The page there calls authAndSet with the code WeChat appends and this queryCode.
    target.searchParams.set('queryCode', queryCode);
    return { mode: 'page', redirectUri: target.toString() };
  }

  /** The channel a request names, for this merchant (ali_pay only with an Alipay app and the Alipay relay; 29401 otherwise). */
  private channelOf(merchant: Merchant, channel: string, authType: string | undefined): AuthChannel {
    return authChannelOf(
      channel,
      authType,
      merchant.alipay !== undefined && this.alipay !== undefined,
      merchant.douyin !== undefined && this.douyin !== undefined,
    );
  }

  private authorizeUrl(merchant: Merchant, channel: AuthChannel, redirectUri: string, state: string): string {
    if (channel === 'ali_pay' && merchant.alipay && this.alipay)
      return this.alipay.authorizeUrl(merchant.alipay, redirectUri, undefined, state);
    if (channel === 'douyin' && merchant.douyin && this.douyin)
      return this.douyin.authorizeUrl(merchant.douyin, redirectUri, state);
    return this.apps.authorizeUrl(merchant, redirectUri, 'snsapi_base', state);
  }

  private requireCallback(channel: AuthChannel = 'wechat_pay'): string {
    const url =
      channel === 'ali_pay'
        ? this.publicRouteUrl(ALIPAY_CALLBACK_PATH)
        : channel === 'douyin'
          ? this.publicRouteUrl(DOUYIN_CALLBACK_PATH)
          : this.callbackUrl();
    if (!url) throw hostedOff('the gateway-hosted callback');
    return url;
  }

  private async saveNewFlow(merchant: Merchant, queryCode: string, state: string, flow: AuthFlow): Promise<void> {
    const flowKey = flowKeys.flow(queryCode);
    const stateKey = flowKeys.state(state);
    // Flow first: a state never points at nothing.
    await this.store.set(flowKey, sealRecord(merchant, flowKey, flow), CHANNEL_AUTH_TTL_MS);
    await this.store.set(stateKey, sealRecord(merchant, stateKey, { queryCode }), CHANNEL_AUTH_TTL_MS);
  }

  private async readFlow(merchant: Merchant, queryCode: string): Promise<AuthFlow | undefined> {
    if (!isFlowToken(queryCode)) return undefined;
    const key = flowKeys.flow(queryCode);
    return openFlow(await this.store.get(key), key, merchant);
  }

  private async writeFlow(merchant: Merchant, queryCode: string, flow: AuthFlow): Promise<void> {
    const key = flowKeys.flow(queryCode);
    // A result lives 5 minutes from when it is known, as DaxPay stores it.
    await this.store.set(key, sealRecord(merchant, key, flow), CHANNEL_AUTH_TTL_MS);
  }

  /** The merchant, queryCode and flow a callback's state was minted for, or undefined (missing, foreign, expired). */
  private async flowOfState(
    state: string | undefined,
  ): Promise<{ merchant: Merchant; queryCode: string; flow: AuthFlow } | undefined> {
    if (!isFlowToken(state)) return undefined;
    const key = flowKeys.state(state);
    const raw = await this.store.get(key);
    const owner = raw === undefined ? undefined : recordOwner(raw);
    if (!owner) return undefined;
    const merchant = await this.merchants.findMerchant({ mchNo: owner.mchNo, appId: owner.appId });
    if (!merchant || !ownedBy(owner, merchant)) return undefined;
    const ref = openRef(raw, key, merchant);
    const flow = ref ? await this.readFlow(merchant, ref.queryCode) : undefined;
    return ref && flow ? { merchant, queryCode: ref.queryCode, flow } : undefined;
  }

  /**
   * Completes a flow with a code, once: the first code binds it (atomic
   * set-if-absent, the flow's single exchange; nothing is written before
   * it); the same code again is idempotent (a finished flow answers from the
   * store, an unfinished one goes through the idempotent exchange); another
   * code is `taken`. A refusal leaves the flow open to another try, up to
   * MAX_FAILED_EXCHANGES_PER_FLOW failed exchanges; then it is closed as failed.
   */
  private async complete(
    merchant: Merchant,
    queryCode: string,
    flow: AuthFlow,
    code: string,
    ctx: AssistRequestContext,
  ): Promise<Completion> {
    const digest = codeDigest(code);
    const boundKey = flowKeys.bound(queryCode);
    if (flow.status === 'success') {
      return (await this.store.get(boundKey)) === digest ? { kind: 'done', flow } : { kind: 'taken', flow };
    }
    if (flow.closed) return { kind: 'done', flow };
    const holder = await this.store.setIfAbsent(boundKey, digest, CHANNEL_AUTH_TTL_MS);
    if (holder !== digest) {
      // Taken by a code that has finished, or is finishing: answer with what the flow holds now.
      return { kind: 'taken', flow: (await this.readFlow(merchant, queryCode)) ?? flow };
    }
    // Read again under the binding: an attempt that held it before may have failed (and counted) or closed the flow.
    const current = (await this.readFlow(merchant, queryCode)) ?? flow;
    if (current.status === 'success') return { kind: 'done', flow: current };
    if (current.closed) {
      await this.store.deleteIf(boundKey, digest);
      return { kind: 'done', flow: current };
    }
    // A code goes to one flow: the same code replayed into another flow (its own state, someone else's
    // code) is refused here, before any call (the flow-scoped exchange would also miss and meet WeChat's 40163).
    const flowId = flowKeys.flow(queryCode);
    const codeKey = flowKeys.code(this.codeScope(merchant, current.channel ?? 'wechat_pay'), code);
    if ((await this.store.setIfAbsent(codeKey, flowId, CHANNEL_AUTH_TTL_MS)) !== flowId) {
      this.logger.warn(ctx.traceId, 'channel_auth.code_of_another_flow', {
        mchNo: merchant.mchNo,
        queryCode: mask(queryCode),
      });
      const failed = await this.recordFailure(merchant, queryCode, current, CODE_OF_ANOTHER_FLOW, undefined);
      await this.store.deleteIf(boundKey, digest);
      return { kind: 'done', flow: failed };
    }
    let outcome: ExchangeOutcome;
    try {
      // Scoped to this flow: the answer is never handed to a direct call (getWxAccessToken, auth with a code alone) nor to another flow.
      outcome = await this.exchange(
        merchant,
        current.channel ?? 'wechat_pay',
        code,
        ctx,
        exchangeScope(merchant, flowId),
      );
    } catch (err) {
      // WeChat or the exchange store failed: nothing known, the flow stays waiting and open.
      await this.store.deleteIf(boundKey, digest).catch(() => undefined);
      throw err;
    }
    if (!outcome.ok) {
      // Written before the binding goes, so a later code's success cannot be overwritten by this failure.
      const failed = await this.recordFailure(merchant, queryCode, current, outcome.msg, outcome.wxErrcode);
      await this.store.deleteIf(boundKey, digest);
      return { kind: 'done', flow: failed };
    }
    const done: AuthFlow = { ...current, status: 'success', identity: outcome.identity };
    delete done.failure;
    delete done.wxErrcode;
    await this.writeFlow(merchant, queryCode, done);
    // The binding and the result expire together.
    await this.store.set(boundKey, digest, CHANNEL_AUTH_TTL_MS);
    const shown = outcome.identity.openId ?? outcome.identity.userId;
    ctx.answered = {
      event: 'channel_auth.completed',
      fields: { queryCode: mask(queryCode), channel: current.channel, ...(shown !== undefined && { id: mask(shown) }) },
    };
    return { kind: 'done', flow: done };
  }

  /** One failed exchange, counted; the flow is closed as failed at MAX_FAILED_EXCHANGES_PER_FLOW. Called holding the flow's binding. */
  private async recordFailure(
    merchant: Merchant,
    queryCode: string,
    flow: AuthFlow,
    msg: string,
    wxErrcode: number | undefined,
  ): Promise<AuthFlow> {
    const attempts = (flow.attempts ?? 0) + 1;
    const failed: AuthFlow = { ...flow, status: 'failed', failure: msg, attempts };
    if (wxErrcode !== undefined) failed.wxErrcode = wxErrcode;
    else delete failed.wxErrcode;
    if (attempts >= MAX_FAILED_EXCHANGES_PER_FLOW) failed.closed = true;
    await this.writeFlow(merchant, queryCode, failed);
    return failed;
  }

  /** Records a refusal (no code, authdeny) unless the flow is already done; answers the flow as it now stands. */
  private async fail(merchant: Merchant, queryCode: string, flow: AuthFlow, reason: string): Promise<AuthFlow> {
    if (flow.status === 'success') return flow;
    const boundKey = flowKeys.bound(queryCode);
    // Held like a code while writing, so a concurrent success is never overwritten.
    const marker = `refusal:${randomUUID()}`;
    if ((await this.store.setIfAbsent(boundKey, marker, CHANNEL_AUTH_TTL_MS)) !== marker) {
      return (await this.readFlow(merchant, queryCode)) ?? flow;
    }
    const failed: AuthFlow = { ...flow, status: 'failed', failure: reason };
    await this.writeFlow(merchant, queryCode, failed);
    await this.store.deleteIf(boundKey, marker);
    return failed;
  }

  /** One code through the idempotent exchange, for `scope` (exchangeScope); WeChat's refusal and a refused snapshot user are `ok: false`. */
  private async exchange(
    merchant: Merchant,
    channel: AuthChannel,
    code: string,
    ctx: AssistRequestContext,
    scope: string,
  ): Promise<ExchangeOutcome> {
    if (channel === 'ali_pay') return this.exchangeAlipay(merchant, code, ctx, scope);
    if (channel === 'douyin') return this.exchangeDouyin(merchant, code, ctx, scope);
    const upstream = { ...this.apps.upstream(merchant, code, ctx.traceId), scope };
    const { result, codeDigest: digest, source } = await this.exchanges.exchange(upstream, code, ctx.traceId);
    if (!result.ok) {
      this.logger.warn(ctx.traceId, 'wechat.refused', { mchNo: merchant.mchNo, errcode: result.errcode, code: digest });
      return { ok: false, msg: result.reason, wxErrcode: result.errcode };
    }
    const { openId, accessToken, unionId, snapshotUser, scope: oauthScope } = result.token;
    if (snapshotUser && !this.flagsSnapshotUsers(merchant)) {
      this.logger.log(ctx.traceId, 'channel_auth.snapshot_user', { mchNo: merchant.mchNo, code: digest });
      return { ok: false, msg: SNAPSHOT_REFUSED };
    }
    ctx.answered = { event: 'wechat.exchanged', fields: { code: digest, openId: mask(openId), source } };
    const profile = await this.profile(merchant, openId, accessToken, oauthScope, ctx);
    // The WeChat app the openId belongs to (own, the service provider's, or an authorizer's).
    const wxAppId = upstream.app.appId;
    return {
      ok: true,
      identity: {
        openId,
        accessToken,
        wxAppId,
        ...(unionId !== undefined && { unionId }),
        ...(snapshotUser && { snapshotUser }),
        ...profile,
      },
    };
  }

  /**
   * nickname and headImgUrl from sns/userinfo, once per exchange this flow
   * makes (stored with the flow's identity, so auth reads them without another
   * call), for a merchant that asked whose dialect carries them. A known base
   * scope skips the call; a reused exchange has no scope, so WeChat's 48001
   * decides. A refusal leaves the profile out (logged); a transport failure is
   * the 293xx code, as for the exchange.
   */
  private async profile(
    merchant: Merchant,
    openId: string,
    accessToken: string,
    scope: string | undefined,
    ctx: AssistRequestContext,
  ): Promise<{ nickname?: string; headImgUrl?: string }> {
    if (!merchant.wechatProfile || !EXTRA_FIELD_DIALECTS.has(merchant.dialect)) return {};
    if (scope !== undefined && !scope.split(',').includes('snsapi_userinfo')) return {};
    const info = await this.wechat.fetchUserInfo(accessToken, openId);
    if (!info.ok) {
      this.logger.warn(ctx.traceId, 'wechat.userinfo_refused', {
        mchNo: merchant.mchNo,
        errcode: info.errcode,
        openId: mask(openId),
      });
      return {};
    }
    return { nickname: info.profile.nickname, headImgUrl: info.profile.headImgUrl };
  }

  /** One Alipay auth code through AlipayRelayService's idempotent exchange; a refusal is `ok: false` with Alipay's reason. */
  private async exchangeAlipay(
    merchant: Merchant,
    code: string,
    ctx: AssistRequestContext,
    scope: string,
  ): Promise<ExchangeOutcome> {
    if (!merchant.alipay || !this.alipay)
      return { ok: false, msg: 'the merchant has no Alipay app configured (merchant alipay)' };
    const identity = await this.alipay.exchangeAuthCode(merchant.alipay, code, ctx.traceId, scope);
    if (!identity.ok) {
      this.logger.warn(ctx.traceId, 'alipay.refused', {
        mchNo: merchant.mchNo,
        subCode: identity.subCode,
        code: identity.codeDigest,
      });
      return { ok: false, msg: identity.reason };
    }
    ctx.answered = { event: 'alipay.exchanged', fields: { code: identity.codeDigest, source: identity.source } };
    return {
      ok: true,
      identity: {
        ...(identity.userId !== undefined && { userId: identity.userId }),
        ...(identity.openId !== undefined && { openId: identity.openId }),
      },
    };
  }

  /** Whose codes a code is: a code completes one flow of that app only. */
  private codeScope(merchant: Merchant, channel: AuthChannel): string {
    if (channel === 'ali_pay') return `alipay:${merchant.alipay?.appId ?? ''}`;
    if (channel === 'douyin') return `douyin:${merchant.douyin?.clientKey ?? ''}`;
    return this.apps.appOf(merchant).appId;
  }

  /**
   * One Douyin code (H5 silent_auth) through the idempotent exchange, with
   * Douyin's own breaker and metrics channel; a refusal is `ok: false` with
   * Douyin's description and error_code.
   */
  private async exchangeDouyin(
    merchant: Merchant,
    code: string,
    ctx: AssistRequestContext,
    scope: string,
  ): Promise<ExchangeOutcome> {
    const app = merchant.douyin;
    const douyin = this.douyin;
    if (!app || !douyin) return { ok: false, msg: 'the merchant has no Douyin app configured (merchant douyin)' };
    const upstream = {
      scope,
      // Prefixed: a Douyin client key never shares cache keys with a WeChat app id.
      app: { appId: `douyin:${app.clientKey}`, appSecret: app.clientSecret },
      base: douyin.apiBase,
      channel: 'Douyin',
      metricChannel: 'douyin' as const,
      breaker: 'douyin',
      call: () => douyin.exchangeCode(app, code),
    };
    const { result, codeDigest: digest, source } = await this.exchanges.exchange(upstream, code, ctx.traceId);
    if (!result.ok) {
      this.logger.warn(ctx.traceId, 'douyin.refused', { mchNo: merchant.mchNo, errcode: result.errcode, code: digest });
      return { ok: false, msg: result.reason };
    }
    ctx.answered = { event: 'douyin.exchanged', fields: { code: digest, openId: mask(result.token.openId), source } };
    return { ok: true, identity: { openId: result.token.openId, accessToken: result.token.accessToken } };
  }

  /** `flag` takes effect only where the answer can carry the flag; elsewhere a snapshot user is refused. */
  private flagsSnapshotUsers(merchant: Merchant): boolean {
    return merchant.snapshotUsers === 'flag' && EXTRA_FIELD_DIALECTS.has(merchant.dialect);
  }

  private answerOf(merchant: Merchant, flow: AuthFlow): AuthData {
    if (flow.status === 'waiting') return { code: 0, status: 'waiting' };
    if (flow.status === 'failed' || !flow.identity) return failureData(flow.failure, flow.wxErrcode);
    return this.identityAnswer(merchant, flow.identity);
  }

  private identityAnswer(merchant: Merchant, identity: FlowIdentity): AuthData {
    const extras = EXTRA_FIELD_DIALECTS.has(merchant.dialect);
    return {
      code: 0,
      ...(identity.openId !== undefined && { openId: identity.openId }),
      ...(identity.userId !== undefined && { userId: identity.userId }),
      ...(identity.accessToken !== undefined && { accessToken: identity.accessToken }),
      status: 'success',
      ...(extras && identity.wxAppId !== undefined && { wxAppId: identity.wxAppId }),
      ...(extras && identity.unionId !== undefined && { unionId: identity.unionId }),
      ...(extras && identity.snapshotUser && { snapshotUser: true as const }),
      ...(extras && identity.nickname !== undefined && { nickname: identity.nickname }),
      ...(extras && identity.headImgUrl !== undefined && { headImgUrl: identity.headImgUrl }),
    };
  }
}

function openIdentity(identity: FlowIdentity, returnPath: string | undefined): OpenAuthData {
  return {
    code: 0,
    status: 'success',
    ...(identity.openId !== undefined && { openId: identity.openId }),
    ...(identity.userId !== undefined && { userId: identity.userId }),
    ...(returnPath !== undefined && { returnPath }),
  };
}

function openStatus(flow: AuthFlow): OpenAuthData {
  if (flow.status === 'success' && flow.identity) return openIdentity(flow.identity, flow.returnPath);
  return {
    code: 0,
    status: flow.status === 'failed' ? 'fail' : 'waiting',
    ...(flow.returnPath !== undefined && { returnPath: flow.returnPath }),
  };
}

/** A business failure; WeChat's errcode, when it is the cause, for the dialect to carry outside the signed data. */
function failureData(
  msg: string | undefined,
  wxErrcode: number | undefined,
): { code: 1; msg: string; wxErrcode?: number } {
  return { code: 1, msg: msg ?? 'authorization failed', ...(wxErrcode !== undefined && { wxErrcode }) };
}

function page(p: AuthPage): BrowserOutcome {
  return { kind: 'page', page: p };
}

function present(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function hostedOff(what: string): AssistException {
  return new AssistException(
    AssistErrorCode.HOSTED_AUTH_OFF,
    `hosted authorization is off: ${what} needs hostedAuth.publicBaseUrl (ASSIST_PUBLIC_BASE_URL) on the gateway`,
  );
}

function taken(): AssistException {
  return new AssistException(
    AssistErrorCode.QUERY_CODE_TAKEN,
    'queryCode: already completed with another authorization code',
  );
}
