import { randomBytes } from 'node:crypto';
import { isRecord } from '@unipay-assist/wire';
import { SignableFields } from '@unipay-assist/wire';
import { SignType } from '@unipay-assist/wire';
import { verify, withSign } from '@unipay-assist/wire';
import { AssistBusinessError, RefusingChannel } from './assist-business.error';
import { AssistEnvelopeError } from './assist-envelope.error';
import { AssistNetworkError } from './assist-network.error';
import { AssistSignatureError } from './assist-signature.error';
import {
  AlipayAuthUrlParams,
  AlipayAuthUrlResult,
  AlipayUserIdParams,
  AlipayUserIdResult,
  CallOptions,
  UnipayAssistClientOptions,
  WxMiniOpenIdParams,
  WxMiniOpenIdResult,
  WxAccessTokenParams,
  WxAccessTokenResult,
  WxAuthUrlParams,
  WxAuthUrlResult,
} from './unipay-assist-client.options';

export const DEFAULT_CLIENT_TIMEOUT_MS = 10_000;

type Data = Record<string, unknown>;

/**
 * A merchant's client of the relay: signs requests with the same signing
 * module the server uses, verifies every answer's `data.sign`, and turns each
 * kind of failure into its own error class. Node built-ins and fetch only.
 */
export class UnipayAssistClient {
  private readonly endpoint: string;
  private readonly signType: SignType;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly secrets: readonly string[];

  constructor(private readonly options: UnipayAssistClientOptions) {
    if (!options.baseUrl) throw new TypeError('baseUrl is required');
    this.secrets = typeof options.signSecret === 'string' ? [options.signSecret] : [...(options.signSecret ?? [])];
    if (this.secrets.length === 0 || this.secrets.some((s) => typeof s !== 'string' || s.length === 0)) {
      throw new TypeError('signSecret is required (a non-empty string, or a non-empty list of them)');
    }
    const prefix = (options.routePrefix ?? 'unipay/assist').replace(/^\/+|\/+$/g, '');
    this.endpoint = `${options.baseUrl.replace(/\/+$/, '')}/${prefix}`;
    this.signType = options.signType ?? 'HMAC_SHA256';
    this.timeoutMs = options.timeoutMs ?? DEFAULT_CLIENT_TIMEOUT_MS;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
  }

  /** The WeChat authorize URL to send the user to. */
  async getWxAuthUrl(params: WxAuthUrlParams, call: CallOptions = {}): Promise<WxAuthUrlResult> {
    const { data, traceId } = await this.call(
      'getWxAuthUrl',
      { url: params.url, state: params.state, scope: params.scope },
      call,
    );
    if (typeof data.url !== 'string') throw new AssistNetworkError('body', 'the answer has no url', 200);
    return { url: data.url, ...answerMeta(data, traceId) };
  }

  /** Exchanges the OAuth code for the user's openId (and web access token). */
  async getWxAccessToken(params: WxAccessTokenParams, call: CallOptions = {}): Promise<WxAccessTokenResult> {
    const { data, traceId } = await this.call('getWxAccessToken', { code: params.code }, call);
    if (typeof data.openId !== 'string') throw new AssistNetworkError('body', 'the answer has no openId', 200);
    return {
      openId: data.openId,
      accessToken: typeof data.accessToken === 'string' ? data.accessToken : '',
      ...answerMeta(data, traceId),
    };
  }

  /** Alipay's authorize URL to send the payer to. */
  async getAlipayAuthUrl(params: AlipayAuthUrlParams, call: CallOptions = {}): Promise<AlipayAuthUrlResult> {
    const { data, traceId } = await this.call(
      'getAlipayAuthUrl',
      { url: params.url, state: params.state, scope: params.scope },
      call,
      'Alipay',
    );
    if (typeof data.url !== 'string') throw new AssistNetworkError('body', 'the answer has no url', 200);
    return { url: data.url, ...answerMeta(data, traceId) };
  }

  /** Exchanges Alipay's auth_code for the payer's user_id and/or open_id. A refusal (isv.code-invalid …) is an AssistBusinessError. */
  async getAlipayUserId(params: AlipayUserIdParams, call: CallOptions = {}): Promise<AlipayUserIdResult> {
    const { data, traceId } = await this.call('getAlipayUserId', { authCode: params.authCode }, call, 'Alipay');
    const userId = typeof data.userId === 'string' ? data.userId : undefined;
    const openId = typeof data.openId === 'string' ? data.openId : undefined;
    if (!userId && !openId) throw new AssistNetworkError('body', 'the answer has neither userId nor openId', 200);
    return {
      ...(userId !== undefined && { userId }),
      ...(openId !== undefined && { openId }),
      ...answerMeta(data, traceId),
    };
  }

  /** Exchanges a mini program's wx.login code for the payer's openId. */
  async getWxMiniOpenId(params: WxMiniOpenIdParams, call: CallOptions = {}): Promise<WxMiniOpenIdResult> {
    const { data, traceId } = await this.call('getWxMiniOpenId', { code: params.code }, call);
    if (typeof data.openId !== 'string') throw new AssistNetworkError('body', 'the answer has no openId', 200);
    return { openId: data.openId, ...answerMeta(data, traceId) };
  }

  /** The body as it goes on the wire: merchant, reqTime, nonceStr and sign added. */
  signRequest(fields: Data): Data & { sign: string } {
    const body: Data = {
      mchNo: this.options.mchNo,
      appId: this.options.appId,
      clientIp: this.options.clientIp,
      reqTime: Math.floor(Date.now() / 1000),
      nonceStr: randomBytes(16).toString('hex'),
      // Explicit fields win (tests pin reqTime and nonceStr to reproduce a vector).
      ...fields,
    };
    // Absent fields are neither sent nor signed.
    for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
    return withSign(body as SignableFields, this.signType, this.secrets[0]);
  }

  /** `channel`: who a business failure on this route comes from (named in AssistBusinessError's message). */
  private async call(
    route: string,
    fields: Data,
    call: CallOptions,
    channel: RefusingChannel = 'WeChat',
  ): Promise<{ data: Data; traceId: string }> {
    const body = this.signRequest(fields);
    call.onRequest?.(route, body);
    const envelope = await this.post(route, body, call.signal);
    const traceId = typeof envelope.traceId === 'string' ? envelope.traceId : '';
    const code = Number(envelope.code);
    if (code !== 0) {
      throw new AssistEnvelopeError(code, typeof envelope.msg === 'string' ? envelope.msg : '', traceId);
    }
    const data = envelope.data;
    if (!isRecord(data) || typeof data.sign !== 'string' || data.sign === '') {
      throw new AssistSignatureError('unsigned', traceId);
    }
    // Verified before anything in data is believed, failures included.
    if (verify(data as SignableFields, this.signType, this.secrets) < 0) {
      throw new AssistSignatureError('mismatch', traceId);
    }
    // DaxPay's page prints data.code as "0"; accept both spellings.
    if (String(data.code) !== '0') {
      // WeChat's errcode rides outside the signed data (envelope.wxErrcode); relays before issue 11 put it in data.
      const raw = envelope.wxErrcode ?? data.wxErrcode;
      const wx = Number(raw);
      throw new AssistBusinessError(
        typeof data.msg === 'string' ? data.msg : `business failure (data.code ${String(data.code)})`,
        raw === undefined || !Number.isFinite(wx) ? undefined : wx,
        traceId,
        channel,
      );
    }
    return { data, traceId };
  }

  private async post(route: string, body: Data, signal?: AbortSignal): Promise<Data> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signals = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const url = `${this.endpoint}/${route}`;
    let text: string;
    let status: number;
    try {
      const res = await this.fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: signals,
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      if (timeout.aborted) {
        throw new AssistNetworkError('timeout', `no answer from ${url} within ${this.timeoutMs} ms`, undefined, err);
      }
      // fetch says "fetch failed"; the cause names what happened (ECONNREFUSED, ENOTFOUND, bad port).
      const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
      const reason = cause?.code ?? cause?.message ?? (err as Error)?.message ?? String(err);
      throw new AssistNetworkError('network', `cannot reach ${url}: ${reason}`, undefined, err);
    }
    let envelope: unknown;
    try {
      envelope = JSON.parse(text);
    } catch {
      envelope = undefined;
    }
    // The relay always answers 200 with its envelope; anything else came from elsewhere.
    if (!isRecord(envelope) || !('code' in envelope)) {
      if (status !== 200)
        throw new AssistNetworkError('http', `${url} answered HTTP ${status}, not the relay envelope`, status);
      throw new AssistNetworkError('body', `${url} answered something that is not the relay envelope`, status);
    }
    return envelope;
  }
}

function answerMeta(data: Data, traceId: string): { traceId: string; resTime: number; sign: string } {
  return { traceId, resTime: Number(data.resTime), sign: String(data.sign) };
}
