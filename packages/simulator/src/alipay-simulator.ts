import {
  createHash,
  createPrivateKey,
  createPublicKey,
  createSign,
  createVerify,
  generateKeyPair,
  KeyObject,
  randomBytes,
} from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { alipayConsentPageHtml } from './alipay-consent.page';
import { AlipayFaultPlan, AlipaySimFault } from './alipay-sim-faults';
import { consentAnswer } from './sim-consent.page';
import { FaultPlan, SimFault } from './sim-faults';
import { runWithFaults } from './sim-fault-runner';
import { SimCodeState, SimCodeStore } from './sim-code-store';
import { errorPage, html, parseRedirect } from './sim-pages';

const generateRsa = promisify(generateKeyPair);

export const ALIPAY_SIM_AUTHORIZE_PATH = '/oauth2/publicAppAuthorize.htm';
export const ALIPAY_SIM_GATEWAY_PATH = '/gateway.do';
const TOKEN_METHOD = 'alipay.system.oauth.token';
const TOKEN_RESPONSE_KEY = 'alipay_system_oauth_token_response';
const MAX_GATEWAY_BODY = 64 * 1024;

/** Which ids an app gets: Alipay is moving apps from user_id to open_id. */
export type AlipayIdMode = 'user_id' | 'open_id' | 'both';

export interface SimulatedAlipayApp {
  appId: string;
  /** Default `open_id`, what Alipay gives new apps. */
  ids?: AlipayIdMode;
  /**
   * The app's public key (PEM), when the merchant brings its own key pair.
   * Without it the simulator makes a pair at start and hands out the private
   * half (see `appKeys`), as the demo merchant needs.
   */
  appPublicKey?: string;
}

export interface AlipaySimulatorOptions {
  apps: SimulatedAlipayApp[];
  /** How long an auth code lives. Default 5 minutes. */
  codeTtlMs?: number;
  /** The user who consents when the authorize URL names none (`sim_user`). */
  defaultUser?: string;
  /** Shared faults of sim-faults.ts (latency, busy, http, non-json, reset, errcode) for gateway.do. */
  faults?: SimFault[];
  /** Alipay-only faults (sub-code, bad-sign, unsigned), see alipay-sim-faults.ts. */
  alipayFaults?: AlipaySimFault[];
  /** Dice for `share` faults; tests pin it. Default Math.random. */
  random?: () => number;
  /** Alipay's own key pair (PEM) to reuse; default a fresh 2048-bit pair at start. */
  alipayKeyPair?: { privateKey: string; publicKey: string };
}

/** What a merchant configures for one simulated app, and what the simulator verifies with. */
export interface AlipayAppKeys {
  appId: string;
  /** PKCS#8 PEM. Absent when the app brought its own public key. */
  appPrivateKey?: string;
  /** SPKI PEM: the simulator verifies requests with it (Alipay's copy of the app public key). */
  appPublicKey: string;
  /** SPKI PEM: Alipay's public key, to verify the simulator's answers. */
  alipayPublicKey: string;
}

interface AppState {
  appId: string;
  ids: AlipayIdMode;
  publicKey: KeyObject;
  privateKeyPem?: string;
}

interface IssuedCode {
  appId: string;
  user: string;
  scope: string;
}

type Params = Map<string, string>;

/**
 * A stand-in for Alipay's authorize page and `gateway.do`, close enough that
 * alipay-sdk cannot tell: it verifies each request's RSA2 signature with the
 * app's public key (refusing with `isv.invalid-signature`), signs each
 * answer with its own Alipay key, issues single-use auth codes, and gives
 * stable ids: `user_id` per user (one Alipay account across apps, as on
 * Alipay), `open_id` per (app, user). No NestJS.
 */
export class AlipaySimulator {
  /** Calls answered at gateway.do, faulted or not. */
  exchanges = 0;
  /** Auth codes issued. */
  authorizations = 0;
  readonly faults: FaultPlan;
  readonly alipayFaults: AlipayFaultPlan;

  private readonly apps = new Map<string, AppState>();
  private readonly codes: SimCodeStore<IssuedCode>;
  private readonly defaultUser: string;

  private constructor(
    options: AlipaySimulatorOptions,
    apps: AppState[],
    private readonly alipayPrivateKey: KeyObject,
    /** SPKI PEM of the simulator's Alipay key: the `alipayPublicKey` of every simulated app. */
    readonly alipayPublicKey: string,
  ) {
    for (const app of apps) this.apps.set(app.appId, app);
    this.codes = new SimCodeStore<IssuedCode>(options.codeTtlMs ?? 5 * 60_000, () =>
      randomBytes(24).toString('hex').slice(0, 32),
    );
    this.defaultUser = options.defaultUser ?? 'demo-user';
    this.faults = new FaultPlan(options.faults ?? [], options.random);
    this.alipayFaults = new AlipayFaultPlan(options.alipayFaults ?? [], options.random);
  }

  /** Makes the keys (2048-bit RSA, off the main thread) and the simulator. */
  static async create(options: AlipaySimulatorOptions): Promise<AlipaySimulator> {
    const alipayPair = options.alipayKeyPair ?? (await newKeyPair());
    const apps = await Promise.all(
      options.apps.map(async (app): Promise<AppState> => {
        const ids = app.ids ?? 'open_id';
        if (app.appPublicKey) return { appId: app.appId, ids, publicKey: createPublicKey(app.appPublicKey) };
        const pair = await newKeyPair();
        return { appId: app.appId, ids, publicKey: createPublicKey(pair.publicKey), privateKeyPem: pair.privateKey };
      }),
    );
    const alipayPublic = createPublicKey(alipayPair.publicKey).export({ type: 'spki', format: 'pem' }).toString();
    return new AlipaySimulator(options, apps, createPrivateKey(alipayPair.privateKey), alipayPublic);
  }

  /** The keys a merchant configures for this app (the demo merchant's Alipay config). */
  appKeys(appId: string): AlipayAppKeys {
    const app = this.apps.get(appId);
    if (!app) throw new Error(`the Alipay simulator has no app ${appId}`);
    return {
      appId,
      appPrivateKey: app.privateKeyPem,
      appPublicKey: app.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      alipayPublicKey: this.alipayPublicKey,
    };
  }

  /** Counters to zero and faults cleared; issued codes stay valid. */
  reset(): void {
    this.exchanges = 0;
    this.authorizations = 0;
    this.faults.clear();
    this.faults.injected = 0;
    this.alipayFaults.clear();
    this.alipayFaults.injected = 0;
  }

  /** Alipay's user id for this user: 16 digits starting with 2088, the same in every app. */
  static userIdFor(user: string): string {
    const n = createHash('sha256').update(`alipay-user\u0000${user}`).digest().readBigUInt64BE(0) % 10n ** 12n;
    return `2088${n.toString().padStart(12, '0')}`;
  }

  /** The open_id this user has in this app: stable, letters and digits, as Alipay's. */
  static openIdFor(appId: string, user: string): string {
    const digest = createHash('sha512').update(`alipay-open\u0000${appId}\u0000${user}`).digest('base64');
    return '0' + digest.replace(/[^A-Za-z0-9]/g, '').slice(0, 46);
  }

  /** Issues an auth code directly, as if the payer had authorised (for tests and scripts). */
  issueAuthCode(appId: string, user = this.defaultUser, scope = 'auth_base'): string {
    const code = this.codes.issue({ appId, user, scope });
    this.authorizations++;
    return code;
  }

  /** Whether a code is still good, for tests and the fault table ("did the code survive?"). */
  codeState(code: string): SimCodeState {
    return this.codes.state(code);
  }

  /** Handles a request whose path ends with the authorize page or gateway.do; false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    if (url.pathname.endsWith(ALIPAY_SIM_AUTHORIZE_PATH)) {
      this.authorize(url.searchParams, res, req);
      return true;
    }
    if (url.pathname.endsWith(ALIPAY_SIM_GATEWAY_PATH)) {
      this.gateway(url, req, res);
      return true;
    }
    return false;
  }

  private authorize(q: URLSearchParams, res: ServerResponse, req: IncomingMessage): void {
    const appId = q.get('app_id') ?? '';
    const scopes = (q.get('scope') ?? '').split(',').filter(Boolean);
    const redirect = parseRedirect(q.get('redirect_uri'));
    if (!this.apps.has(appId)) return page(res, 400, 'app_id is invalid (Alipay would show its error page)');
    if (!redirect) return page(res, 400, 'redirect_uri is missing or not an absolute http(s) URL');
    if (!scopes.length || !scopes.every((s) => s === 'auth_base' || s === 'auth_user')) {
      return page(res, 400, 'scope must be auth_base or auth_user');
    }
    const scope = scopes.join(',');
    // auth_base is silent on Alipay; only auth_user asks the payer.
    const consent = scopes.includes('auth_user') ? consentAnswer(q, req) : 'allow';
    if (consent === 'show') return html(res, alipayConsentPageHtml(q, redirect, this.defaultUser));
    redirect.hash = '';
    // Alipay appends these to the page's own query; a refusal comes back without auth_code.
    redirect.searchParams.set('app_id', appId);
    redirect.searchParams.set('source', 'alipay_wallet');
    redirect.searchParams.set('scope', scope);
    if (consent === 'allow') {
      redirect.searchParams.set('auth_code', this.issueAuthCode(appId, q.get('sim_user') || this.defaultUser, scope));
    }
    if (q.get('state') !== null) redirect.searchParams.set('state', q.get('state') ?? '');
    res.writeHead(302, { Location: redirect.toString(), 'Content-Length': '0' });
    res.end();
  }

  // Every call counts, faulted or not: tests assert how often Alipay was called.
  private gateway(url: URL, req: IncomingMessage, res: ServerResponse): void {
    this.exchanges++;
    readForm(req, res, (body) => {
      const params: Params = new Map(url.searchParams);
      for (const [k, v] of body) params.set(k, v);
      runWithFaults(this.faults, res, {
        exchange: () => {
          const alipayFault = this.alipayFaults.next();
          if (alipayFault?.kind === 'sub-code') {
            const subCode = alipayFault.subCode ?? 'isp.unknow-error';
            return this.refuse(
              res,
              params,
              alipayFault.code ?? codeForSubCode(subCode),
              subCode,
              'injected by the simulator',
            );
          }
          this.exchange(params, res, alipayFault?.kind);
        },
        refuse: (answer) => {
          if (answer.kind === 'busy')
            return this.refuse(res, params, '20000', 'isp.unknow-error', 'service currently unavailable');
          // errcode N answers gateway code N; the Alipay `sub-code` fault names a sub code instead.
          const code = String(answer.errcode ?? 20000);
          this.refuse(
            res,
            params,
            code,
            code === '20000' ? 'isp.unknow-error' : 'isv.injected-by-simulator',
            'injected by the simulator',
          );
        },
      });
    });
  }

  private exchange(params: Params, res: ServerResponse, spoil?: 'bad-sign' | 'unsigned'): void {
    const appId = params.get('app_id');
    const method = params.get('method');
    // Alipay signs with the app's Alipay key, so an answer about an unknown app goes out unsigned.
    if (!appId)
      return this.answer(res, 'error_response', refusal('40001', 'isv.missing-app-id', 'missing app_id'), false);
    const app = this.apps.get(appId);
    if (!app)
      return this.answer(res, 'error_response', refusal('40002', 'isv.invalid-app-id', 'invalid app_id'), false);
    if (!method) return this.refuse(res, params, '40001', 'isv.missing-method', 'missing method');
    if (method !== TOKEN_METHOD)
      return this.refuse(
        res,
        params,
        '40002',
        'isv.invalid-method',
        'the simulator serves alipay.system.oauth.token only',
      );
    const sign = params.get('sign');
    if (!sign) return this.refuse(res, params, '40001', 'isv.missing-signature', 'missing sign');
    if (!params.get('sign_type'))
      return this.refuse(res, params, '40001', 'isv.missing-signature-type', 'missing sign_type');
    if (params.get('sign_type') !== 'RSA2')
      return this.refuse(res, params, '40002', 'isv.invalid-signature-type', 'sign_type must be RSA2');
    const signed = signContent(params);
    if (!createVerify('RSA-SHA256').update(signed, 'utf8').verify(app.publicKey, sign, 'base64')) {
      // Alipay quotes the string it verified; the relay must never pass sub_msg on (it holds the code).
      return this.refuse(
        res,
        params,
        '40002',
        'isv.invalid-signature',
        `signature does not verify; the gateway's sign string: ${signed}`,
      );
    }
    if (!params.get('timestamp'))
      return this.refuse(res, params, '40001', 'isv.missing-timestamp', 'missing timestamp');
    if (params.get('grant_type') !== 'authorization_code') {
      return this.refuse(res, params, '40002', 'isv.grant-type-invalid', 'grant_type must be authorization_code');
    }
    const code = params.get('code') ?? '';
    const issued = this.codes.get(code);
    // One sub code for an unknown, foreign, used or expired code, as on Alipay.
    if (!issued || issued.appId !== appId || issued.used || issued.expiresAt <= Date.now()) {
      return this.refuse(res, params, '40002', 'isv.code-invalid', 'auth code is invalid', 'error_response');
    }
    issued.used = true;
    const content: Record<string, unknown> = {};
    if (app.ids !== 'open_id') content.user_id = AlipaySimulator.userIdFor(issued.user);
    if (app.ids !== 'user_id') content.open_id = AlipaySimulator.openIdFor(appId, issued.user);
    const tokenPrefix = issued.scope.includes('auth_user') ? 'authusrB' : 'authbseB';
    Object.assign(content, {
      access_token: `${tokenPrefix}${randomBytes(16).toString('hex')}`,
      expires_in: 1209600,
      refresh_token: `${tokenPrefix}${randomBytes(16).toString('hex')}`,
      re_expires_in: 2592000,
      auth_start: alipayTime(new Date()),
    });
    this.answer(res, TOKEN_RESPONSE_KEY, content, true, spoil);
  }

  /** A signed refusal (the app is known), under the method's key unless told otherwise. */
  private refuse(
    res: ServerResponse,
    params: Params,
    code: string,
    subCode: string,
    subMsg: string,
    key?: string,
  ): void {
    const signable = this.apps.has(params.get('app_id') ?? '');
    const where = key ?? (params.get('method') === TOKEN_METHOD ? TOKEN_RESPONSE_KEY : 'error_response');
    this.answer(res, where, refusal(code, subCode, subMsg), signable);
  }

  /** Alipay's answer: the content under its key, and the sign over the content's exact bytes. */
  private answer(
    res: ServerResponse,
    key: string,
    content: object,
    signed: boolean,
    spoil?: 'bad-sign' | 'unsigned',
  ): void {
    if (res.destroyed) return;
    const text = JSON.stringify(content);
    let body = `{"${key}":${text}`;
    if (signed && spoil !== 'unsigned') {
      let sign = createSign('RSA-SHA256').update(text, 'utf8').sign(this.alipayPrivateKey, 'base64');
      if (spoil === 'bad-sign') sign = (sign[0] === 'A' ? 'B' : 'A') + sign.slice(1);
      body += `,"sign":"${sign}"`;
    }
    body += '}';
    res.writeHead(200, { 'Content-Type': 'application/json;charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }
}

/**
 * Alipay's request sign string: every parameter but `sign`, empty values
 * left out, sorted by name, `name=value` joined with `&` (values decoded).
 * Written from Alipay's documentation, independently of the SDK, so the
 * simulator checks the SDK rather than agreeing with it by construction.
 */
export function signContent(params: ReadonlyMap<string, string>): string {
  return [...params.entries()]
    .filter(([k, v]) => k !== 'sign' && v !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

const GATEWAY_MSG: Readonly<Record<string, string>> = {
  '20000': 'Service Currently Unavailable',
  '20001': 'Insufficient Token Permissions',
  '40001': 'Missing Required Arguments',
  '40002': 'Invalid Arguments',
  '40004': 'Business Failed',
  '40006': 'Insufficient Permissions',
};

function refusal(code: string, subCode: string, subMsg: string): object {
  return { code, msg: GATEWAY_MSG[code] ?? 'Business Failed', sub_code: subCode, sub_msg: subMsg };
}

function codeForSubCode(subCode: string): string {
  if (subCode.startsWith('isp.') || subCode === 'aop.unknow-error') return '20000';
  if (subCode.startsWith('aop.')) return '20001';
  if (subCode.startsWith('isv.missing-')) return '40001';
  if (subCode.startsWith('isv.insufficient-')) return '40006';
  return '40002';
}

/** `yyyy-MM-dd HH:mm:ss` in Beijing time, as Alipay writes times. */
function alipayTime(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

async function newKeyPair(): Promise<{ privateKey: string; publicKey: string }> {
  return generateRsa('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

function readForm(req: IncomingMessage, res: ServerResponse, then: (body: URLSearchParams) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_GATEWAY_BODY) {
      res.writeHead(413, { 'Content-Type': 'text/plain' });
      res.end('body too large');
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (res.headersSent) return;
    const type = String(req.headers['content-type'] ?? '');
    const text = Buffer.concat(chunks).toString('utf8');
    then(/x-www-form-urlencoded/i.test(type) || !type ? new URLSearchParams(text) : new URLSearchParams());
  });
}

function page(res: ServerResponse, status: number, message: string): void {
  errorPage(res, 'Alipay simulator', status, message);
}
