import { randomBytes } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { FaultPlan, SimFault } from './sim-faults';
import { runWithFaults } from './sim-fault-runner';
import { SimCodeState, SimCodeStore } from './sim-code-store';
import { checkWechatAppRequest, sendWechatJson, wechatError, wechatFaultAnswer } from './wechat-sim-answers';
import { WechatSimulator } from './wechat-simulator';

export const MINI_PROGRAM_SESSION_PATH = '/sns/jscode2session';

export interface SimulatedMiniProgram {
  appId: string;
  appSecret: string;
  /**
   * The WeChat Open Platform account the mini program is bound to. Apps bound
   * to the same account give a user the same unionid; unbound apps give none.
   */
  openPlatformId?: string;
}

export interface MiniProgramSimulatorOptions {
  apps: SimulatedMiniProgram[];
  /** How long a wx.login code lives. WeChat: 5 minutes. */
  codeTtlMs?: number;
  defaultUser?: string;
  /** Shared faults of sim-faults.ts for jscode2session; busy is errcode -1 as on the web flow. */
  faults?: SimFault[];
  random?: () => number;
}

/** A request handler to mount in any server: true when it took the request. */
export type SimulatorRequestHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean;

interface LoginCode {
  appId: string;
  user: string;
}

/**
 * WeChat's `sns/jscode2session` for mini programs: single-use `wx.login`
 * codes (issued through `issueLoginCode`, since there is no mini program to
 * call wx.login), text/plain JSON answers, 40029 for an unknown or expired
 * code, 40163 for a used one, a fresh session_key per login. The openid is
 * the one WechatSimulator gives the same (app, user). No NestJS.
 */
export class MiniProgramSimulator {
  /** Calls answered at jscode2session, faulted or not. */
  exchanges = 0;
  /** wx.login codes issued. */
  logins = 0;
  readonly faults: FaultPlan;

  private readonly apps = new Map<string, SimulatedMiniProgram>();
  private readonly codes: SimCodeStore<LoginCode>;
  private readonly defaultUser: string;

  constructor(options: MiniProgramSimulatorOptions) {
    for (const app of options.apps) this.apps.set(app.appId, app);
    this.codes = new SimCodeStore<LoginCode>(options.codeTtlMs ?? 5 * 60_000, () =>
      randomBytes(24).toString('base64url').slice(0, 32),
    );
    this.defaultUser = options.defaultUser ?? 'demo-user';
    this.faults = new FaultPlan(options.faults ?? [], options.random);
  }

  /** The unionid of a user across the apps of one Open Platform account: stable, 28 characters, starting with `o`. */
  static unionIdFor(openPlatformId: string, user: string): string {
    // WeChat's unionid is one per user across the apps of an Open Platform account, official accounts included.
    return WechatSimulator.unionIdFor(openPlatformId, user);
  }

  /** What wx.login would hand the mini program for this user: a code for one jscode2session. */
  issueLoginCode(appId: string, user = this.defaultUser): string {
    if (!this.apps.has(appId)) throw new Error(`the mini program simulator has no app ${appId}`);
    const code = this.codes.issue({ appId, user });
    this.logins++;
    return code;
  }

  /** Whether a code is still good, for tests and the fault table ("did the code survive?"). */
  codeState(code: string): SimCodeState {
    return this.codes.state(code);
  }

  reset(): void {
    this.exchanges = 0;
    this.logins = 0;
    this.faults.clear();
    this.faults.injected = 0;
  }

  /** Takes GET …/sns/jscode2session behind any prefix; false for anything else. */
  readonly handle: SimulatorRequestHandler = (req, res, url) => {
    if (!url.pathname.endsWith(MINI_PROGRAM_SESSION_PATH)) return false;
    this.exchangeWithFaults(url.searchParams, res);
    return true;
  };

  private exchangeWithFaults(q: URLSearchParams, res: ServerResponse): void {
    this.exchanges++;
    runWithFaults(this.faults, res, {
      exchange: () => this.exchange(q, res),
      refuse: (answer) => wechatFaultAnswer(res, answer),
    });
  }

  // Runs even when the caller has gone (timed out): the code is spent all the same.
  private exchange(q: URLSearchParams, res: ServerResponse): void {
    const request = checkWechatAppRequest(q, this.apps, 'js_code', res);
    if (!request) return;
    const { appId, app, code } = request;
    const issued = this.codes.get(code);
    // An expired wx.login code reads as invalid on WeChat: there is no separate errcode.
    if (!issued || issued.appId !== appId || issued.expiresAt <= Date.now())
      return wechatError(res, 40029, 'invalid code');
    if (issued.used) return wechatError(res, 40163, 'code been used');
    issued.used = true;
    const body: Record<string, string> = {
      session_key: randomBytes(16).toString('base64'),
      openid: WechatSimulator.openIdFor(appId, issued.user),
    };
    if (app.openPlatformId) body.unionid = MiniProgramSimulator.unionIdFor(app.openPlatformId, issued.user);
    sendWechatJson(res, body);
  }
}
