import { Injectable, Optional } from '@nestjs/common';
import { AssistErrorCode, mask, OpenCode } from '@unipay-assist/wire';
import { AuthChannel, AUTO_CHANNEL } from '../../channel-auth/auth-channel';
import { isAlipayBrowser } from '../../channel-auth/alipay-browser';
import { AuthFlow, returnsToMerchant } from '../../channel-auth/auth-flow';
import { PAGES } from '../../channel-auth/auth-pages';
import { isOAuthCodeShape, MAX_CALLBACKS_PER_STATE } from '../../channel-auth/flow-limits';
import { mintFlowToken } from '../../channel-auth/flow-token';
import { isWechatBrowser } from '../../channel-auth/wechat-browser';
import { OpenException } from '../../daxpay-open/open.exception';
import { InjectOpenOptions, ResolvedOpenOptions } from '../../daxpay-open/open.options';
import { exchangeScope } from '../../exchange/exchange-key';
import { AssistException } from '../../kernel/assist.exception';
import { AssistLogger } from '../../kernel/assist.logger';
import { AssistRequestContext } from '../../kernel/request-context';
import { Merchant } from '../../merchants/merchant';
import { checkRedirectUrl } from '../../merchants/redirect-hosts';
import { answeringMerchant, trustedMerchant } from '../../merchants/trusted-merchant';
import { BrowserOutcome, page } from './browser-outcome';
import { WECHAT_CALLBACK_PATH } from './callback-paths';
import { AuthAndSetData, AuthData, AuthUrlData, OpenAuthData, OpenAuthUrlData } from './channel-auth-data';
import { AuthCodeInput, GenerateAuthUrlInput, JumpInput, OpenAuthInput } from './channel-auth-inputs';
import { IdentityOutcome } from './channel-callback';
import { ChannelCallbacks } from './channel-callbacks';
import { failureData, flowAnswer, identityAnswer, openIdentity, openStatus } from './flow-answers';
import { FlowBrowserBinding } from './flow-browser-binding';
import { FlowCompletion } from './flow-completion';
import { FlowRecords } from './flow-records';
import { finishedOutcome } from './finished-outcome';
import { HostedRoutes } from './hosted-routes';
import { present } from './present';
import { redirectTarget } from './redirect-target';

/**
 * Channel auth, DaxPay 3.0's generateAuthUrl / auth / authAndSet and DaxPay
 * Open's, and the gateway-hosted callbacks and jump link. A flow lives 5
 * minutes under its queryCode, sealed, readable by its merchant only
 * (FlowRecords); its OAuth state is minted here and bound to the first code
 * that completes it (FlowCompletion); each channel's authorize URL and code
 * exchange are its callback piece's (ChannelCallbacks), every exchange
 * idempotent, so a repeated code gets the same answer and never WeChat's 40163.
 */
@Injectable()
export class ChannelAuthService {
  constructor(
    private readonly flows: FlowRecords,
    private readonly completion: FlowCompletion,
    private readonly callbacks: ChannelCallbacks,
    private readonly routes: HostedRoutes,
    private readonly binding: FlowBrowserBinding,
    private readonly logger: AssistLogger,
    // DaxPay Open's platform key signs the get-openid return; absent in constructions without the Open routes.
    @Optional() @InjectOpenOptions() private readonly open?: ResolvedOpenOptions,
  ) {}

  /** The gateway's callback URL WeChat redirects to, or null when hosted authorization is off. */
  callbackUrl(): string | null {
    return this.routes.url(WECHAT_CALLBACK_PATH);
  }

  /** A route of the module (`channel/auth/jump`) at the gateway's public base URL, or null when hosted authorization is off. */
  publicRouteUrl(path: string): string | null {
    return this.routes.url(path);
  }

  async generateAuthUrl(ctx: AssistRequestContext, input: GenerateAuthUrlInput): Promise<AuthUrlData> {
    const merchant = answeringMerchant(ctx);
    const channel = this.callbacks.channelOf(merchant, input.channel, input.authType);
    const queryCode = mintFlowToken();
    const { mode, redirectUri } = redirectTarget(
      merchant,
      input.authPath,
      queryCode,
      this.callbacks.of(channel),
      this.routes,
    );
    const state = mintFlowToken();
    await this.flows.create(merchant, queryCode, state, { mode, channel, status: 'waiting', createdAt: Date.now() });
    ctx.answered = { event: 'channel_auth.started', fields: { mode, channel, queryCode: mask(queryCode) } };
    return { code: 0, authUrl: this.authorizeUrl(merchant, channel, redirectUri, state), queryCode };
  }

  async auth(ctx: AssistRequestContext, input: AuthCodeInput): Promise<AuthData> {
    const merchant = answeringMerchant(ctx);
    const channel = this.callbacks.channelOf(merchant, input.channel, input.authType);
    const authCode = present(input.authCode);
    const queryCode = present(input.queryCode);
    if (authCode === undefined) {
      if (queryCode === undefined) throw AssistException.invalidField('authCode', 'or queryCode is required');
      // DaxPay's queryAuthResult: the stored result, or not_exist.
      const flow = await this.flows.read(merchant, queryCode);
      ctx.answered = {
        event: 'channel_auth.read',
        fields: { queryCode: mask(queryCode), status: flow?.status ?? 'not_exist' },
      };
      // 'waiting' is a poll's "not yet": an identical retry must read again, not get this answer back.
      if (flow?.status === 'waiting') ctx.provisional = true;
      return flow ? flowAnswer(merchant, flow) : { code: 0, status: 'not_exist' };
    }
    if (queryCode === undefined) {
      const outcome = await this.identifyDirect(merchant, channel, authCode, ctx);
      return outcome.ok ? identityAnswer(merchant, outcome.identity) : failureData(outcome.msg, outcome.wxErrcode);
    }
    // A queryCode this gateway never minted for the merchant is not_exist, and the code stays unspent.
    const flow = await this.flows.read(merchant, queryCode);
    if (!flow) return { code: 0, status: 'not_exist' };
    const completion = await this.completion.complete(merchant, queryCode, flow, authCode, ctx);
    if (completion.kind === 'taken') throw taken();
    return flowAnswer(merchant, completion.flow);
  }

  async authAndSet(ctx: AssistRequestContext, input: AuthCodeInput): Promise<AuthAndSetData> {
    const merchant = answeringMerchant(ctx);
    this.callbacks.channelOf(merchant, input.channel, input.authType);
    const authCode = present(input.authCode);
    const queryCode = present(input.queryCode);
    if (authCode === undefined) throw AssistException.invalidField('authCode', 'is required');
    if (queryCode === undefined)
      throw AssistException.invalidField('queryCode', 'is required (the result is stored under it)');
    const flow = await this.flows.read(merchant, queryCode);
    if (!flow) {
      throw new AssistException(
        AssistErrorCode.QUERY_CODE_UNKNOWN,
        'queryCode: unknown or expired (generateAuthUrl mints one, valid 5 minutes)',
      );
    }
    const completion = await this.completion.complete(merchant, queryCode, flow, authCode, ctx);
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
    const via = this.callbacks.of(channel);
    const tag = via.logTag;
    const declined = via.declined(rawCode);
    const code = rawCode ?? '';
    if (!declined && code !== '' && !isOAuthCodeShape(code)) return page(PAGES.noCode(via.label));
    const found = await this.flows.ofState(state);
    // A state is completed by its own channel's callback only (an Alipay or Douyin code is that channel's).
    if (!found || (found.flow.channel ?? 'wechat_pay') !== channel) {
      this.logger.warn(ctx.traceId, 'channel_auth.callback_refused', {
        ...tag,
        reason: state ? 'unknown or expired state' : 'no state',
      });
      return page(PAGES.badLink());
    }
    const { merchant, queryCode, flow } = found;
    if ((await this.flows.countCallback(state as string)) > MAX_CALLBACKS_PER_STATE) {
      this.logger.warn(ctx.traceId, 'channel_auth.callback_refused', {
        ...tag,
        mchNo: merchant.mchNo,
        queryCode: mask(queryCode),
        reason: 'too many callbacks for this state',
      });
      return page(PAGES.tooManyCallbacks());
    }
    // Every flow that sends the payer back to the merchant (jump, Open's get-openid) completes only in its browser.
    if (returnsToMerchant(flow) && !this.binding.holds(flow, this.binding.held(cookieHeader))) {
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
        : `${via.label} came back without ${via.missingCode}`;
      const after = await this.completion.recordRefusal(merchant, queryCode, flow, reason);
      this.logger.log(ctx.traceId, 'channel_auth.declined', {
        ...tag,
        mchNo: merchant.mchNo,
        queryCode: mask(queryCode),
      });
      if (after.status === 'success' || returnsToMerchant(flow)) return this.finished(queryCode, after);
      return page(declined ? PAGES.declined() : PAGES.noCode(via.label));
    }
    const completion = await this.completion.complete(merchant, queryCode, flow, code, ctx);
    if (completion.kind === 'taken') {
      // A second tab or a late redirect with another code: the flow keeps its first result.
      return completion.flow.status === 'waiting'
        ? page(PAGES.inProgress())
        : this.finished(queryCode, completion.flow);
    }
    return this.finished(queryCode, completion.flow);
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
      ? isAlipayBrowser(userAgent) && this.callbacks.of('ali_pay').serves(merchant)
        ? 'ali_pay'
        : 'wechat_pay'
      : this.callbacks.channelOf(merchant, input.channel ?? 'wechat_pay', input.authType);
    const callback = this.routes.requireUrl(this.callbacks.of(picked).callbackPath);
    const check = checkRedirectUrl(input.redirectUrl, merchant.redirectHosts);
    if (!check.ok) throw new AssistException(AssistErrorCode.REDIRECT_NOT_ALLOWED, `redirectUrl: ${check.reason}`);
    if (auto && !isWechatBrowser(userAgent) && !(picked === 'ali_pay')) {
      return page(merchant.alipay ? PAGES.openInWechatOrAlipay(selfUrl) : PAGES.openInWechat(selfUrl));
    }
    if (!auto && picked === 'wechat_pay' && !isWechatBrowser(userAgent)) return page(PAGES.openInWechat(selfUrl));
    // Douyin's silent_auth only works inside the Douyin app; elsewhere Douyin's own page says so.

    // The browser's binding: the one it already holds (several flows may share it), or a new one.
    const token = this.binding.tokenFor(cookieHeader);
    // Per channel: one AUTO link opened in WeChat and in Alipay makes two flows.
    const link = input.sign ? (picked === 'wechat_pay' ? input.sign : `${input.sign}\u0000${picked}`) : undefined;
    let ref = link !== undefined ? await this.flows.jumpRef(merchant, link) : undefined;
    let setCookie: string | undefined;
    if (!ref) {
      const queryCode = mintFlowToken();
      const state = mintFlowToken();
      const extParam = present(input.extParam);
      await this.flows.create(merchant, queryCode, state, {
        mode: 'redirect',
        channel: picked,
        status: 'waiting',
        // The checked, normalised form: the payer is sent back to exactly what the allow-list passed.
        redirectUrl: check.url,
        ...(extParam !== undefined && { extParam }),
        createdAt: Date.now(),
        browser: this.binding.digest(token),
      });
      ref = { queryCode, state };
      // Two loads of one link at once: the first one's flow wins, the other is left to expire.
      if (link !== undefined) ref = await this.flows.claimJump(merchant, link, ref);
      setCookie = this.binding.cookie(token);
    }
    const flow = await this.flows.read(merchant, ref.queryCode);
    if (!flow) return page(PAGES.badLink());
    // One link, one browser: the link opened (or forwarded) elsewhere does not join or finish this flow.
    if (!this.binding.holds(flow, token)) return page(PAGES.otherBrowser());
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
    const channel = this.callbacks.channelOf(merchant, input.channel, undefined);
    const callback = this.routes.requireUrl(this.callbacks.of(channel).callbackPath);
    const queryCode = mintFlowToken();
    const authToken = mintFlowToken();
    const returnPath = present(input.returnPath);
    await this.flows.create(merchant, queryCode, authToken, {
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
    const channel = this.callbacks.channelOf(merchant, input.channel, undefined);
    const authCode = present(input.authCode);
    const queryCode = await this.openQueryCode(merchant, input);
    if (queryCode === undefined) {
      if (authCode === undefined)
        throw AssistException.invalidField('authCode', 'or authToken or queryCode is required');
      const outcome = await this.identifyDirect(merchant, channel, authCode, ctx);
      return outcome.ok ? openIdentity(outcome.identity, undefined) : failureData(outcome.msg, outcome.wxErrcode);
    }
    const flow = await this.flows.read(merchant, queryCode);
    if (!flow) return { code: 0, status: 'not_exist' };
    if (authCode === undefined) {
      ctx.answered = { event: 'channel_auth.read', fields: { queryCode: mask(queryCode), status: flow.status } };
      if (flow.status === 'waiting') ctx.provisional = true;
      return openStatus(flow);
    }
    const completion = await this.completion.complete(merchant, queryCode, flow, authCode, ctx);
    if (completion.kind === 'taken') throw taken();
    const done = completion.flow;
    return done.status === 'failed' ? failureData(done.failure, done.wxErrcode) : openStatus(done);
  }

  /** DaxPay Open's auth-and-set: completes the session's flow with the code; nothing to answer but success. */
  async openAuthAndSet(ctx: AssistRequestContext, input: OpenAuthInput): Promise<AuthAndSetData> {
    const merchant = trustedMerchant(ctx);
    this.callbacks.channelOf(merchant, input.channel, undefined);
    const authCode = present(input.authCode);
    if (authCode === undefined) throw AssistException.invalidField('authCode', 'is required');
    const queryCode = await this.openQueryCode(merchant, input);
    if (queryCode === undefined)
      throw AssistException.invalidField('authToken', 'or queryCode is required (the result is stored under it)');
    const flow = await this.flows.read(merchant, queryCode);
    if (!flow)
      throw new OpenException(
        OpenCode.OPERATION_FAIL,
        'the authorization session has expired: generate a new auth URL',
      );
    const completion = await this.completion.complete(merchant, queryCode, flow, authCode, ctx);
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
    const channel = this.callbacks.channelOf(merchant, input.channel, undefined);
    const check = checkRedirectUrl(input.redirectUrl, merchant.redirectHosts);
    if (!check.ok) throw new AssistException(AssistErrorCode.REDIRECT_NOT_ALLOWED, `redirectUrl: ${check.reason}`);
    const callback = this.routes.requireUrl(this.callbacks.of(channel).callbackPath);
    const queryCode = mintFlowToken();
    const state = mintFlowToken();
    // Bound to this browser as the jump is: the platform-signed openid goes back only where the link was opened.
    const token = this.binding.tokenFor(cookieHeader);
    await this.flows.create(merchant, queryCode, state, {
      mode: 'open',
      channel,
      status: 'waiting',
      redirectUrl: check.url,
      createdAt: Date.now(),
      browser: this.binding.digest(token),
    });
    ctx.answered = { event: 'channel_auth.open_link', fields: { channel, queryCode: mask(queryCode) } };
    return {
      kind: 'redirect',
      url: this.authorizeUrl(merchant, channel, callback, state),
      setCookie: this.binding.cookie(token),
    };
  }

  /** The flow an Open request names: by authToken (its OAuth state; unknown or foreign is 20080) or by queryCode. */
  private async openQueryCode(merchant: Merchant, input: OpenAuthInput): Promise<string | undefined> {
    const token = present(input.authToken);
    if (token !== undefined) {
      const ref = await this.flows.refOfState(merchant, token);
      if (!ref)
        throw new OpenException(
          OpenCode.OPERATION_FAIL,
          'the authorization session has expired or is unknown: generate a new auth URL',
        );
      return ref.queryCode;
    }
    return present(input.queryCode);
  }

  /** A code with no flow (auth with a code alone): scoped to direct use, never a flow's answer. */
  private identifyDirect(
    merchant: Merchant,
    channel: AuthChannel,
    code: string,
    ctx: AssistRequestContext,
  ): Promise<IdentityOutcome> {
    return this.callbacks.of(channel).identify(merchant, code, ctx, exchangeScope(merchant, 'direct'));
  }

  /** Where a finished flow sends the payer (finishedOutcome), with the platform key that signs Open's return. */
  private finished(queryCode: string, flow: AuthFlow): BrowserOutcome {
    return finishedOutcome(queryCode, flow, this.open?.platformKey);
  }

  private authorizeUrl(merchant: Merchant, channel: AuthChannel, redirectUri: string, state: string): string {
    return this.callbacks.of(channel).authorizeUrl(merchant, redirectUri, state);
  }
}

function taken(): AssistException {
  return new AssistException(
    AssistErrorCode.QUERY_CODE_TAKEN,
    'queryCode: already completed with another authorization code',
  );
}
