import { randomBytes } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { sealPush, writeWechatXml } from './wechat-push';
import { FaultPlan, SimFault } from './sim-faults';
import { runWithFaults } from './sim-fault-runner';
import { sendWechatJson, wechatError, wechatFaultAnswer } from './wechat-sim-answers';
import { WechatSimulator } from './wechat-simulator';

/** A third-party platform as WeChat knows it: its secrets and the official accounts that authorized it. */
export interface SimulatedComponent {
  appId: string;
  appSecret: string;
  token: string;
  encodingAesKey: string;
  /** Official accounts (appids) that authorized the platform. */
  authorizers: string[];
}

export interface ComponentSimulatorOptions extends SimulatedComponent {
  /** Where tickets and events are pushed (the gateway's events URL); settable later (`setPushUrl`, admin API). */
  pushUrl?: string;
  /** Push a fresh ticket this often (WeChat: 10 minutes). Default: only on demand. */
  pushIntervalMs?: number;
  /** expires_in of a component_access_token. WeChat: 7200. */
  tokenTtlSeconds?: number;
  /** Faults for api_component_token (sim-faults.ts kinds). */
  tokenFaults?: SimFault[];
}

/** What the gateway answered to one push. */
export interface PushResult {
  status: number;
  body: string;
}

export type ComponentEventType = 'component_verify_ticket' | 'authorized' | 'updateauthorized' | 'unauthorized';

/**
 * WeChat's side of a third-party platform: it pushes encrypted, signed
 * component_verify_tickets (and authorization events) to the gateway's URL,
 * on a schedule and on demand; serves `cgi-bin/component/api_component_token`
 * for the latest ticket; and takes the accounts' codes at
 * `sns/oauth2/component/access_token` with a valid token and the right
 * `component_appid`. The codes themselves come from the WeChat simulator's
 * authorize page (with `component_appid`), so openIds are the account's own.
 */
export class ComponentPlatformSimulator {
  /** api_component_token calls answered, faulted or not. */
  tokenRequests = 0;
  /** Component exchanges answered. */
  exchanges = 0;
  /** Pushes sent, and the gateway's answers. */
  pushes = 0;
  readonly faults: FaultPlan;
  /** The ticket a token request must carry (the latest pushed; WeChat accepts the latest). */
  private ticket: string | undefined;
  private ticketCreateTime = 0;
  private readonly tokens = new Map<string, number>();
  private readonly authorizers: Set<string>;
  private pushUrl: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly tokenTtlSeconds: number;

  constructor(
    readonly options: ComponentSimulatorOptions,
    private readonly wechat: WechatSimulator,
  ) {
    this.authorizers = new Set(options.authorizers);
    this.pushUrl = options.pushUrl;
    this.tokenTtlSeconds = options.tokenTtlSeconds ?? 7200;
    this.faults = new FaultPlan(options.tokenFaults ?? []);
    wechat.registerComponent(options.appId, this.authorizers);
    if (options.pushIntervalMs) this.schedule(options.pushIntervalMs);
  }

  get appId(): string {
    return this.options.appId;
  }

  /** The latest ticket pushed (tests compare; never a gateway's business). */
  get currentTicket(): string | undefined {
    return this.ticket;
  }

  setPushUrl(url: string): void {
    this.pushUrl = url;
  }

  /** Pushes a fresh ticket every `intervalMs` (unref'd: never keeps a process alive); 0 stops. */
  schedule(intervalMs: number): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (intervalMs > 0) {
      this.timer = setInterval(() => void this.pushTicket().catch(() => undefined), intervalMs);
      this.timer.unref();
    }
  }

  stop(): void {
    this.schedule(0);
  }

  /** Every token issued so far stops working (WeChat's 40001 / 42001 on next use). */
  expireTokens(): void {
    this.tokens.clear();
  }

  /** An account withdraws (false) or gives (true) its authorization; pushes the event when a push URL is set. */
  async setAuthorized(authorizerAppId: string, authorized: boolean): Promise<PushResult | undefined> {
    if (authorized) this.authorizers.add(authorizerAppId);
    else this.authorizers.delete(authorizerAppId);
    if (!this.pushUrl) return undefined;
    return this.pushEvent(authorized ? 'authorized' : 'unauthorized', { AuthorizerAppid: authorizerAppId });
  }

  /** A new ticket, pushed now; the previous one stops working for token requests. */
  async pushTicket(): Promise<PushResult> {
    const ticket = `ticket@@@${randomBytes(24).toString('base64url')}`;
    // CreateTime only grows, even for two pushes in one second.
    const createTime = Math.max(Math.floor(Date.now() / 1000), this.ticketCreateTime + 1);
    this.ticket = ticket;
    this.ticketCreateTime = createTime;
    return this.pushEvent('component_verify_ticket', { ComponentVerifyTicket: ticket }, createTime);
  }

  /**
   * One signed, encrypted push of `infoType`. `tamper` makes it a forgery
   * for tests: `signature` (a wrong msg_signature), `stale` (an hour-old
   * timestamp, correctly signed), `appid` (encrypted for another platform).
   */
  async pushEvent(
    // Any InfoType (an unknown one tests the gateway's handling); ComponentEventType names the ones WeChat sends.
    infoType: string,
    fields: Record<string, string>,
    createTime = Math.floor(Date.now() / 1000),
    tamper?: 'signature' | 'stale' | 'appid',
  ): Promise<PushResult> {
    if (!this.pushUrl)
      throw new Error('the component simulator has no push URL (setPushUrl or POST /__sim/component/push-url)');
    const appId = tamper === 'appid' ? `${this.appId}x` : this.appId;
    const inner = writeWechatXml({ AppId: appId, CreateTime: createTime, InfoType: infoType, ...fields });
    const timestamp = String(Math.floor(Date.now() / 1000) - (tamper === 'stale' ? 3600 : 0));
    const nonce = String(Math.floor(Math.random() * 1e9));
    const sealed = sealPush(
      { token: this.options.token, encodingAesKey: this.options.encodingAesKey, appId },
      inner,
      timestamp,
      nonce,
    );
    const signature =
      tamper === 'signature' ? sealed.signature.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) : sealed.signature;
    const url = new URL(this.pushUrl);
    url.searchParams.set('signature', randomBytes(20).toString('hex'));
    url.searchParams.set('timestamp', timestamp);
    url.searchParams.set('nonce', nonce);
    url.searchParams.set('encrypt_type', 'aes');
    url.searchParams.set('msg_signature', signature);
    this.pushes++;
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml' },
      body: writeWechatXml({ AppId: appId, Encrypt: sealed.ciphertext }),
    });
    return { status: res.status, body: await res.text() };
  }

  /** Handles the platform's API paths; false for any other. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    if (url.pathname.endsWith('/cgi-bin/component/api_component_token') && req.method === 'POST') {
      this.tokenRequests++;
      readJson(req, (body) =>
        runWithFaults(this.faults, res, {
          exchange: () => this.issueToken(body, res),
          refuse: (answer) => wechatFaultAnswer(res, answer),
        }),
      );
      return true;
    }
    if (url.pathname.endsWith('/sns/oauth2/component/access_token')) {
      this.exchanges++;
      this.exchange(url.searchParams, res);
      return true;
    }
    return false;
  }

  private issueToken(body: Record<string, unknown>, res: ServerResponse): void {
    if (body.component_appid !== this.appId) return wechatError(res, 40013, 'invalid appid');
    if (body.component_appsecret !== this.options.appSecret) return wechatError(res, 40125, 'invalid appsecret');
    if (!this.ticket || body.component_verify_ticket !== this.ticket)
      return wechatError(res, 61006, 'component ticket is invalid');
    const token = `SIM_CAT_${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, Date.now() + this.tokenTtlSeconds * 1000);
    sendWechatJson(res, { component_access_token: token, expires_in: this.tokenTtlSeconds });
  }

  // WeChat's order: the platform (appid, token) before the code, so a refused token leaves the code unspent.
  private exchange(q: URLSearchParams, res: ServerResponse): void {
    const appId = q.get('appid');
    const code = q.get('code');
    if (q.get('component_appid') !== this.appId) return wechatError(res, 40013, 'invalid component_appid');
    const expiresAt = this.tokens.get(q.get('component_access_token') ?? '');
    if (expiresAt === undefined)
      return wechatError(res, 40001, 'invalid credential, access_token is invalid or not latest');
    if (expiresAt <= Date.now()) return wechatError(res, 42001, 'access_token expired');
    if (!appId) return wechatError(res, 41002, 'appid missing');
    if (!this.authorizers.has(appId)) return wechatError(res, 61003, 'component is not authorized by this account');
    if (!code) return wechatError(res, 41008, 'missing code');
    if (q.get('grant_type') !== 'authorization_code') return wechatError(res, 40002, 'invalid grant_type');
    const answer = this.wechat.redeem(appId, code, this.appId);
    if (!answer.ok) return wechatError(res, answer.errcode, answer.errmsg);
    sendWechatJson(res, answer.body);
  }
}

function readJson(req: IncomingMessage, then: (body: Record<string, unknown>) => void): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      body = {};
    }
    then(typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {});
  });
}
