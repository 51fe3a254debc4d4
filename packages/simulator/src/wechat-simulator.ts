import { createHash, randomBytes } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { FaultPlan, SimFault } from './sim-faults';
import { runWithFaults } from './sim-fault-runner';
import { SimCodeStore } from './sim-code-store';
import { errorPage, html, parseRedirect } from './sim-pages';
import { checkWechatAppRequest, sendWechatJson, wechatError, wechatFaultAnswer } from './wechat-sim-answers';
import { consentAnswer, consentPageHtml } from './sim-consent.page';

export interface SimulatedApp {
  appId: string;
  appSecret: string;
  /**
   * The WeChat Open Platform account the app is bound to: when set, the
   * exchange returns a `unionid`, stable per (account, user) across its apps.
   */
  openPlatform?: string;
}

export interface WechatSimulatorOptions {
  apps: SimulatedApp[];
  /** How long a code lives. WeChat: 5 minutes. */
  codeTtlMs?: number;
  /** The user who consents when the authorize URL names none (`sim_user`). */
  defaultUser?: string;
  /** Faults for the exchange endpoint (see sim-faults.ts); more can be added at `POST /__sim/faults`. */
  faults?: SimFault[];
  /** Dice for `share` faults; tests pin it. Default Math.random. */
  random?: () => number;
}

interface IssuedCode {
  appId: string;
  user: string;
  scope: string;
  /** Authorized from a snapshot page (朋友圈快照页): the exchange says `is_snapshotuser: 1`. */
  snapshot: boolean;
  /** Authorized for a third-party platform (`component_appid`): only its exchange takes the code. */
  componentAppId?: string;
}

/** What a code is worth at an exchange endpoint: WeChat's answer body. */
export type RedeemAnswer = { ok: true; body: Record<string, unknown> } | { ok: false; errcode: number; errmsg: string };

export interface IssueCodeOptions {
  snapshot?: boolean;
  /** The third-party platform the code is issued through. */
  componentAppId?: string;
}

/**
 * A stand-in for WeChat's OAuth2 endpoints, close enough to the real one that
 * a relay cannot tell: single-use codes living 5 minutes, WeChat's errcode
 * bodies sent as text/plain, stable openIds per (app, user). No NestJS.
 */
export class WechatSimulator {
  /** Exchanges answered at sns/oauth2/access_token, successful or not. */
  exchanges = 0;
  /** Codes issued at connect/oauth2/authorize. */
  authorizations = 0;
  /** Redirect URLs the simulator called itself first (`sim_double=1`). */
  doubleRedirects = 0;
  /** Calls answered at sns/userinfo, successful or not. */
  userInfos = 0;
  /** Injected faults on the exchange endpoint. */
  readonly faults: FaultPlan;

  private readonly apps = new Map<string, SimulatedApp>();
  private readonly codes: SimCodeStore<IssuedCode>;
  private readonly defaultUser: string;
  /** Web access tokens it issued, for sns/userinfo (bounded: oldest dropped first). */
  private readonly tokens = new Map<string, { openId: string; user: string; scope: string; expiresAt: number }>();
  /** Third-party platforms and the official accounts that authorized each (ComponentPlatformSimulator registers itself). */
  private readonly components = new Map<string, ReadonlySet<string>>();

  constructor(options: WechatSimulatorOptions) {
    for (const app of options.apps) this.apps.set(app.appId, app);
    this.codes = new SimCodeStore<IssuedCode>(options.codeTtlMs ?? 5 * 60_000, () =>
      randomBytes(24).toString('base64url').slice(0, 32),
    );
    this.defaultUser = options.defaultUser ?? 'demo-user';
    this.faults = new FaultPlan(options.faults ?? [], options.random);
  }

  /** Counters to zero and faults cleared; issued codes stay valid. */
  reset(): void {
    this.exchanges = 0;
    this.authorizations = 0;
    this.doubleRedirects = 0;
    this.userInfos = 0;
    this.faults.clear();
    this.faults.injected = 0;
  }

  /** The openId WeChat would give this user in this app: stable, 28 characters, starting with `o`. */
  static openIdFor(appId: string, user: string): string {
    return 'o' + createHash('sha256').update(`${appId}\u0000${user}`).digest('base64url').slice(0, 27);
  }

  /** The virtual openId WeChat gives a snapshot-page user: not the user's real one, and it cannot pay. */
  static snapshotOpenIdFor(appId: string, user: string): string {
    return WechatSimulator.openIdFor(appId, `snapshot\u0000${user}`);
  }

  /** The unionid of a user across the apps of one Open Platform account. */
  static unionIdFor(openPlatform: string, user: string): string {
    return 'u' + createHash('sha256').update(`${openPlatform}\u0000${user}`).digest('base64url').slice(0, 27);
  }

  /** A third-party platform whose authorizers' authorize URLs carry its `component_appid`. */
  registerComponent(componentAppId: string, authorizerAppIds: ReadonlySet<string>): void {
    this.components.set(componentAppId, authorizerAppIds);
  }

  /** Issues a code directly, as if the user had consented (for tests and scripts). */
  issueCode(appId: string, user = this.defaultUser, scope = 'snsapi_base', options: IssueCodeOptions = {}): string {
    const code = this.codes.issue({
      appId,
      user,
      scope,
      snapshot: options.snapshot === true,
      ...(options.componentAppId !== undefined && { componentAppId: options.componentAppId }),
    });
    this.authorizations++;
    return code;
  }

  /**
   * Handles a request if its path ends with one of WeChat's OAuth paths;
   * returns false otherwise, so it can sit behind any prefix or server.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    if (url.pathname.endsWith('/connect/oauth2/authorize')) {
      void this.authorize(url.searchParams, res, req);
      return true;
    }
    if (url.pathname.endsWith('/sns/oauth2/access_token')) {
      this.exchangeWithFaults(url.searchParams, res);
      return true;
    }
    if (url.pathname.endsWith('/sns/userinfo')) {
      this.userInfo(url.searchParams, res);
      return true;
    }
    return false;
  }

  /**
   * The authorize page. Test switches beyond WeChat's own parameters (kept
   * through the consent page): `sim_snapshot=1` authorizes as a snapshot-page
   * user; `sim_double=1` first calls the redirect URL itself with the same
   * code, as WeChat's well-known double redirect does (loopback hosts only);
   * `sim_state=<s>` comes back with another state than the one sent (a
   * forged or foreign state).
   */
  private async authorize(q: URLSearchParams, res: ServerResponse, req?: IncomingMessage): Promise<void> {
    const appId = q.get('appid') ?? '';
    const scope = q.get('scope') ?? '';
    const redirect = parseRedirect(q.get('redirect_uri'));
    const componentAppId = q.get('component_appid') ?? undefined;
    if (componentAppId !== undefined) {
      // A platform authorizes for accounts that authorized it; it needs no AppSecret of theirs.
      const authorizers = this.components.get(componentAppId);
      if (!authorizers) return page(res, 400, 'component_appid is invalid');
      if (!authorizers.has(appId))
        return page(res, 400, 'the official account has not authorized this third-party platform');
    } else if (!this.apps.has(appId)) return page(res, 400, 'appid is invalid (WeChat would show 10003)');
    if (!redirect) return page(res, 400, 'redirect_uri is missing or not an absolute http(s) URL (10003)');
    if (q.get('response_type') !== 'code') return page(res, 400, 'response_type must be code');
    if (scope !== 'snsapi_base' && scope !== 'snsapi_userinfo') return page(res, 400, 'scope is invalid (10005)');
    const consent = consentAnswer(q, req);
    if (consent === 'show') return html(res, consentPageHtml(q, redirect, this.defaultUser));
    // WeChat appends code and state to the page's own query and drops any fragment.
    redirect.hash = '';
    // A refusal comes back with state only, no code.
    if (consent === 'allow') {
      const user = q.get('sim_user') || this.defaultUser;
      redirect.searchParams.set(
        'code',
        this.issueCode(appId, user, scope, { snapshot: q.get('sim_snapshot') === '1', componentAppId }),
      );
    }
    redirect.searchParams.set('state', q.get('sim_state') ?? q.get('state') ?? '');
    if (q.get('sim_double') === '1' && isLoopback(redirect)) {
      this.doubleRedirects++;
      // The first of the two hits; its answer is dropped, as WeChat drops it.
      await fetch(redirect, { redirect: 'manual' })
        .then((r) => r.arrayBuffer())
        .catch(() => undefined);
    }
    res.writeHead(302, { Location: redirect.toString(), 'Content-Length': '0' });
    res.end();
  }

  // Every call counts, faulted or not: tests assert how often WeChat was called.
  private exchangeWithFaults(q: URLSearchParams, res: ServerResponse): void {
    this.exchanges++;
    runWithFaults(this.faults, res, {
      exchange: () => this.exchange(q, res),
      refuse: (answer) => wechatFaultAnswer(res, answer),
    });
  }

  private exchange(q: URLSearchParams, res: ServerResponse): void {
    const request = checkWechatAppRequest(q, this.apps, 'code', res);
    if (!request) return;
    const { appId, app, code } = request;
    const answer = this.redeem(appId, code, undefined, app.openPlatform);
    if (!answer.ok) return wechatError(res, answer.errcode, answer.errmsg);
    sendWechatJson(res, answer.body);
  }

  /**
   * Spends a code of `appId` (issued through `componentAppId`, or directly)
   * and answers what WeChat's exchange answers. The web exchange and the
   * platform's (ComponentPlatformSimulator) both come here.
   */
  redeem(appId: string, code: string, componentAppId?: string, openPlatform?: string): RedeemAnswer {
    const issued = this.codes.get(code);
    if (!issued || issued.appId !== appId || issued.componentAppId !== componentAppId)
      return { ok: false, errcode: 40029, errmsg: 'invalid code' };
    if (issued.used) return { ok: false, errcode: 40163, errmsg: 'code been used' };
    if (issued.expiresAt <= Date.now()) return { ok: false, errcode: 42003, errmsg: 'code expired' };
    issued.used = true;
    const accessToken = `SIM_AT_${randomBytes(32).toString('base64url')}`;
    const openId = issued.snapshot
      ? WechatSimulator.snapshotOpenIdFor(appId, issued.user)
      : WechatSimulator.openIdFor(appId, issued.user);
    if (this.tokens.size >= 10_000) this.tokens.delete(this.tokens.keys().next().value as string);
    this.tokens.set(accessToken, { openId, user: issued.user, scope: issued.scope, expiresAt: Date.now() + 7200_000 });
    return {
      ok: true,
      body: {
        access_token: accessToken,
        expires_in: 7200,
        refresh_token: `SIM_RT_${randomBytes(32).toString('base64url')}`,
        openid: openId,
        scope: issued.scope,
        is_snapshotuser: issued.snapshot ? 1 : 0,
        ...(openPlatform && !issued.snapshot && { unionid: WechatSimulator.unionIdFor(openPlatform, issued.user) }),
      },
    };
  }

  /** The profile a user shows: derived from the user name, so tests can predict it. */
  static profileFor(user: string): { nickname: string; headimgurl: string } {
    return {
      nickname: `Sim ${user}`,
      headimgurl: `https://thirdwx.qlogo.cn/mmopen/sim/${encodeURIComponent(user)}/132`,
    };
  }

  /** sns/userinfo: only for a token it issued with snsapi_userinfo; a base-scope token gets 48001, as WeChat answers. */
  private userInfo(q: URLSearchParams, res: ServerResponse): void {
    this.userInfos++;
    const token = this.tokens.get(q.get('access_token') ?? '');
    if (!token || token.expiresAt <= Date.now())
      return wechatError(res, 40001, 'invalid credential, access_token is invalid or not latest');
    if (q.get('openid') !== token.openId) return wechatError(res, 40003, 'invalid openid');
    if (token.scope !== 'snsapi_userinfo') return wechatError(res, 48001, 'api unauthorized');
    sendWechatJson(res, {
      openid: token.openId,
      ...WechatSimulator.profileFor(token.user),
      sex: 0,
      province: '',
      city: '',
      country: '',
      privilege: [],
    });
  }
}

function isLoopback(url: URL): boolean {
  return url.hostname === '127.0.0.1' || url.hostname === '[::1]' || url.hostname === 'localhost';
}

function page(res: ServerResponse, status: number, message: string): void {
  errorPage(res, 'WeChat simulator', status, message);
}
