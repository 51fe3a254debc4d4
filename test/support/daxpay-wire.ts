import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';

/*
 * The DaxPay wire as each client generation's SDK sends and verifies it,
 * written from docs/daxpay-dialects.md alone: nothing here comes from src/
 * (the relay's own signing is what these tests check). Plus the golden
 * vectors of docs/vectors/daxpay-dialects.json and a stub of WeChat's
 * sns/oauth2/access_token.
 */

export type Generation = '2.0.0' | '2.0.1-2.0.5' | '2.0.6-2.0.8' | 'multi' | 'multi-late';
export type Route = 'getWxAuthUrl' | 'getWxAccessToken';
export type WireSignType = 'MD5' | 'HMAC_SHA256' | 'SM3';

export interface WireVector {
  name: string;
  route: Route;
  kind?: 'success' | 'failure';
  bodies: Record<string, string>;
}

export interface WireFixture {
  secret: string;
  reqTime: number;
  reqTimeChina: string;
  resTime: number;
  resTimeChina: string;
  traceId: string;
  wechatAppId: string;
  generations: Record<Generation, { signTypes: WireSignType[]; requests: WireVector[]; answers: WireVector[] }>;
}

export const FIXTURE = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'docs', 'vectors', 'daxpay-dialects.json'), 'utf8'),
) as WireFixture;

/** The relay's dialect name for each fixture generation. */
export const DIALECT_OF: Record<Generation, string> = {
  '2.0.0': 'daxpay-2.0.0',
  '2.0.1-2.0.5': 'daxpay-2.0.1',
  '2.0.6-2.0.8': 'daxpay-2.0.6',
  multi: 'daxpay-multi',
  'multi-late': 'daxpay-multi-late',
};

export const GENERATIONS = Object.keys(DIALECT_OF) as Generation[];

/** The merchant the fixture's requests come from (multi sends these mchNo/appId). */
export const FIXTURE_MCH_NO = 'M1723635576766';
export const FIXTURE_APP_ID = 'M8207639754663343';
/** What the WeChat stub answers for a good code (the fixture's answer payload). */
export const ACCESS_TOKEN = 'ACCESS_TOKEN_X';
export const OPEN_ID = 'oOPENID123';

// ------------------------------------------------------------------ PaySignUtil, 2.0 and multi

/** Sorted non-null fields but `sign`, `name=value` joined by `&`, every `\` and `"` removed, then `&key=secret` (no upper-casing). */
export function signString(fields: Record<string, unknown>, secret: string): string {
  const names = Object.keys(fields).filter((k) => k !== 'sign' && fields[k] !== null && fields[k] !== undefined);
  names.sort();
  const link = names
    .map((k) => `${k}=${String(fields[k])}`)
    .join('&')
    .replace(/[\\"]/g, '');
  return `${link}&key=${secret}`;
}

export function digest(text: string, signType: WireSignType, secret: string): string {
  if (signType === 'MD5') return createHash('md5').update(text, 'utf8').digest('hex');
  if (signType === 'HMAC_SHA256') return createHmac('sha256', secret).update(text, 'utf8').digest('hex');
  return createHash('sm3').update(text, 'utf8').digest('hex');
}

export function signOf(fields: Record<string, unknown>, signType: WireSignType, secret: string): string {
  return digest(signString(fields, secret), signType, secret);
}

/** China time `yyyy-MM-dd HH:mm:ss` (the multi line's reqTime/resTime). */
export function chinaTime(epochSeconds: number): string {
  const d = new Date((epochSeconds + 8 * 3600) * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/**
 * A request body as the generation's SDK builds it (declared field order,
 * nulls dropped), signed: `own` are the route's fields (url/state or code).
 */
export function sdkRequest(
  generation: Generation,
  own: Record<string, string>,
  signType: WireSignType,
  secret = FIXTURE.secret,
): string {
  const base: Record<string, unknown> =
    generation === '2.0.0'
      ? { clientIp: '127.0.0.1', sign: null, version: '1.0', reqTime: FIXTURE.reqTime }
      : generation === 'multi' || generation === 'multi-late'
        ? {
            mchNo: FIXTURE_MCH_NO,
            appId: FIXTURE_APP_ID,
            clientIp: '127.0.0.1',
            sign: null,
            reqTime: FIXTURE.reqTimeChina,
          }
        : { clientIp: '127.0.0.1', sign: null, reqTime: FIXTURE.reqTime };
  const fields: Record<string, unknown> = { ...own, ...base };
  fields.sign = signOf(fields, signType, secret);
  return JSON.stringify(Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null)));
}

// ------------------------------------------------------------------ what each SDK verifies

const MODEL: Record<Route, string[]> = { getWxAuthUrl: ['url'], getWxAccessToken: ['accessToken', 'openId'] };

function pick(source: Record<string, unknown>, names: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const n of names) if (source[n] !== undefined && source[n] !== null) out[n] = source[n];
  return out;
}

/**
 * The client-side check of an answer, as the generation's SDK and DaxPay's
 * own demo run it: parse `data` (or the envelope) into the SDK's model, which
 * drops every field the model does not declare, and recompute the sign over
 * what is left. Unsigned generations (2.0.0–2.0.5) only parse: `data` must be
 * the bare model or null. Returns why it fails, or undefined when it passes.
 */
export function clientCheck(
  generation: Generation,
  route: Route,
  answer: Record<string, unknown>,
  signType: WireSignType,
  secret = FIXTURE.secret,
): string | undefined {
  const data = answer.data as Record<string, unknown> | null;
  switch (generation) {
    case '2.0.0':
    case '2.0.1-2.0.5': {
      if (typeof answer.code !== 'number') return 'outer code is not an int';
      if (data === null || data === undefined) return answer.code === 0 ? 'success without data' : undefined;
      const extra = Object.keys(data).filter((k) => !MODEL[route].includes(k));
      return extra.length ? `data has fields the model lacks: ${extra.join(', ')}` : undefined;
    }
    case '2.0.6-2.0.8': {
      if (data === null || data === undefined) return answer.code === 0 ? 'success without data' : undefined;
      if (!Number.isInteger(data.code)) return 'data.code is not an integer';
      const model = pick(data, ['code', 'msg', 'resTime', 'sign', ...MODEL[route]]);
      return typeof model.sign === 'string' && signOf(model, signType, secret) === model.sign
        ? undefined
        : 'data.sign does not verify over the model';
    }
    case 'multi': {
      if (data === null || data === undefined) return answer.code === 0 ? 'success without data' : undefined;
      const model = pick(data, ['resTime', 'sign', ...MODEL[route]]);
      return typeof model.sign === 'string' && signOf(model, signType, secret) === model.sign
        ? undefined
        : 'data.sign does not verify over the model';
    }
    case 'multi-late': {
      // DaxPayResult{code, msg, data, sign, resTime, traceId}: data enters the sign as JSON of the model bean.
      const bean = data === null || data === undefined ? null : JSON.stringify(pick(data, MODEL[route]));
      const fields = {
        code: answer.code,
        msg: answer.msg,
        data: bean,
        resTime: answer.resTime,
        traceId: answer.traceId,
      };
      if (typeof answer.resTime !== 'string' || !/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(answer.resTime))
        return 'resTime is not yyyy-MM-dd HH:mm:ss';
      return typeof answer.sign === 'string' && signOf(fields, signType, secret) === answer.sign
        ? undefined
        : 'outer sign does not verify';
    }
  }
}

/** null members read as absent by every SDK (hutool, Jackson): compare without them. */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value) || value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

// ------------------------------------------------------------------ a WeChat stub

/**
 * sns/oauth2/access_token on 127.0.0.1: `GOOD…` codes (and the fixture's) get
 * the fixture's token, `BAD…` codes errcode 40029, `HOLD…` codes wait until
 * `releaseHeld()`; `down = true` answers HTTP 503. Counts calls per code.
 */
export class WechatStub {
  readonly calls = new Map<string, number>();
  down = false;
  private held: Array<() => void> = [];
  private server?: Server;
  baseUrl = '';

  static async start(): Promise<WechatStub> {
    const stub = new WechatStub();
    stub.server = createServer((req, res) => stub.handle(req, res));
    await new Promise<void>((resolve) => stub.server!.listen(0, '127.0.0.1', resolve));
    stub.baseUrl = `http://127.0.0.1:${(stub.server.address() as AddressInfo).port}`;
    return stub;
  }

  callsFor(code: string): number {
    return this.calls.get(code) ?? 0;
  }

  /** Lets every held exchange answer. */
  releaseHeld(): void {
    const held = this.held;
    this.held = [];
    for (const go of held) go();
  }

  async close(): Promise<void> {
    this.releaseHeld();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const code = url.searchParams.get('code') ?? '';
    this.calls.set(code, this.callsFor(code) + 1);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname !== '/sns/oauth2/access_token') return send(404, { errcode: 404 });
    if (this.down) return send(503, { errcode: -1 });
    if (code.startsWith('BAD')) return send(200, { errcode: 40029, errmsg: 'invalid code' });
    const ok = () =>
      send(200, {
        access_token: ACCESS_TOKEN,
        expires_in: 7200,
        refresh_token: 'REFRESH_NEVER_RETURNED',
        openid: OPEN_ID,
        scope: 'snsapi_base',
      });
    if (code.startsWith('HOLD')) {
      this.held.push(ok);
      return;
    }
    ok();
  }
}

/** The fixture merchant in the relay's configuration, speaking `dialect`. */
export function fixtureMerchant(
  dialect: string,
  signType: WireSignType,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    mchNo: FIXTURE_MCH_NO,
    appId: FIXTURE_APP_ID,
    wechat: { appId: FIXTURE.wechatAppId, appSecret: 'stub-wechat-secret' },
    signType,
    signSecret: FIXTURE.secret,
    reqTimeout: 300,
    redirectHosts: ['merchant.example.com'],
    dialect,
    ...extra,
  };
}
