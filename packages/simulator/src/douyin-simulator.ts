import { createHash, randomBytes } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { FaultPlan, SimFault } from './sim-faults';
import { runWithFaults } from './sim-fault-runner';
import { SimCodeStore } from './sim-code-store';
import { errorPage, parseRedirect } from './sim-pages';

/** A Douyin open-platform app: its client key, secret, and the one redirect_uri registered for it (optional). */
export interface SimulatedDouyinApp {
  clientKey: string;
  clientSecret: string;
  /** When set, silent_auth refuses any other redirect_uri, as Douyin does. */
  redirectUri?: string;
}

export interface DouyinSimulatorOptions {
  apps: SimulatedDouyinApp[];
  /** The user a silent_auth signs in when the URL names none (`sim_user`). */
  defaultUser?: string;
  /** Faults for oauth/access_token/ (sim-faults.ts kinds; `errcode` answers Douyin's error_code). */
  faults?: SimFault[];
}

interface IssuedCode {
  clientKey: string;
  user: string;
}

/**
 * A stand-in for Douyin's H5 OAuth: `passport/open/silent_auth/` redirects
 * at once with a code (no consent page: silent authorization inside the
 * Douyin app), refusing a redirect_uri with a query or other than the
 * registered one; `oauth/access_token/` takes the form (client_key,
 * client_secret, code, grant_type) and answers `{data: {error_code, open_id,
 * access_token, …}, message}`. Codes are single-use, 10 minutes; open_ids
 * stable per (app, user). No NestJS.
 */
export class DouyinSimulator {
  exchanges = 0;
  authorizations = 0;
  readonly faults: FaultPlan;
  private readonly apps = new Map<string, SimulatedDouyinApp>();
  private readonly codes = new SimCodeStore<IssuedCode>(10 * 60_000, () => randomBytes(16).toString('hex'));
  private readonly defaultUser: string;

  constructor(options: DouyinSimulatorOptions) {
    for (const app of options.apps) this.apps.set(app.clientKey, app);
    this.defaultUser = options.defaultUser ?? 'douyin-user';
    this.faults = new FaultPlan(options.faults ?? []);
  }

  /** The open_id Douyin would give this user in this app. */
  static openIdFor(clientKey: string, user: string): string {
    return `_000${createHash('sha256').update(`${clientKey}\u0000${user}`).digest('base64url').slice(0, 32)}`;
  }

  reset(): void {
    this.exchanges = 0;
    this.authorizations = 0;
    this.faults.clear();
    this.faults.injected = 0;
  }

  issueCode(clientKey: string, user = this.defaultUser): string {
    this.authorizations++;
    return this.codes.issue({ clientKey, user });
  }

  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    if (url.pathname.endsWith('/passport/open/silent_auth/')) {
      this.silentAuth(url.searchParams, res);
      return true;
    }
    if (url.pathname.endsWith('/oauth/access_token/') && req.method === 'POST') {
      this.exchanges++;
      readForm(req, (form) =>
        runWithFaults(this.faults, res, {
          exchange: () => this.exchange(form, res),
          refuse: (answer) =>
            douyinError(
              res,
              answer.kind === 'busy' ? 2190001 : (answer.errcode ?? 2190001),
              'injected by the simulator',
            ),
        }),
      );
      return true;
    }
    return false;
  }

  private silentAuth(q: URLSearchParams, res: ServerResponse): void {
    const app = this.apps.get(q.get('client_key') ?? '');
    const redirect = parseRedirect(q.get('redirect_uri'));
    if (!app) return errorPage(res, 'Douyin simulator', 400, 'client_key is invalid');
    if (q.get('response_type') !== 'code' || q.get('scope') !== 'login_id')
      return errorPage(res, 'Douyin simulator', 400, 'response_type must be code and scope login_id');
    if (!redirect || redirect.search !== '')
      return errorPage(res, 'Douyin simulator', 400, 'redirect_uri must be an absolute URL without a query');
    if (app.redirectUri !== undefined && redirect.toString() !== app.redirectUri)
      return errorPage(res, 'Douyin simulator', 400, 'redirect_uri is not the one registered for this app');
    redirect.searchParams.set('code', this.issueCode(app.clientKey, q.get('sim_user') || this.defaultUser));
    redirect.searchParams.set('state', q.get('state') ?? '');
    res.writeHead(302, { Location: redirect.toString(), 'Content-Length': '0' });
    res.end();
  }

  private exchange(form: URLSearchParams, res: ServerResponse): void {
    const app = this.apps.get(form.get('client_key') ?? '');
    if (!app) return douyinError(res, 10003, 'client_key is invalid');
    if (form.get('client_secret') !== app.clientSecret) return douyinError(res, 10013, 'client_secret is invalid');
    if (form.get('grant_type') !== 'authorization_code') return douyinError(res, 10002, 'grant_type is invalid');
    const issued = this.codes.get(form.get('code') ?? '');
    if (!issued || issued.clientKey !== app.clientKey || issued.used || issued.expiresAt <= Date.now())
      return douyinError(res, 10007, 'code is invalid or expired');
    issued.used = true;
    send(res, {
      data: {
        error_code: 0,
        description: '',
        open_id: DouyinSimulator.openIdFor(app.clientKey, issued.user),
        access_token: `act.${randomBytes(24).toString('hex')}`,
        expires_in: 1296000,
        refresh_token: `rft.${randomBytes(24).toString('hex')}`,
        refresh_expires_in: 2592000,
        scope: 'login_id',
      },
      message: 'success',
    });
  }
}

function douyinError(res: ServerResponse, errorCode: number, description: string): void {
  send(res, { data: { error_code: errorCode, description }, message: 'error' });
}

function send(res: ServerResponse, body: object): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function readForm(req: IncomingMessage, then: (form: URLSearchParams) => void): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => then(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
}
