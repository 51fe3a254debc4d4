import { KeyObject, randomBytes } from 'node:crypto';
import {
  formatChinaDateTime,
  isRecord,
  openReturnSignString,
  openSign,
  openSignString,
  openSignStringOfRaw,
  openVerify,
  parseOpenPrivateKey,
  parseOpenPublicKey,
} from '@unipay-assist/wire';
import { AssistEnvelopeError } from './assist-envelope.error';
import { AssistNetworkError } from './assist-network.error';
import { AssistSignatureError } from './assist-signature.error';
import {
  DaxPayOpenClientOptions,
  OpenAuthParams,
  OpenAuthResult,
  OpenAuthUrlParams,
  OpenAuthUrlResult,
  OpenIdLinkParams,
  OpenPingResult,
} from './daxpay-open-client.options';

type Data = Record<string, unknown>;

/**
 * A DaxPay Open (4.x) merchant client: signs every request with the
 * merchant's RSA key (SHA256withRSA over DaxPay Open's sign string), verifies
 * every answer over its raw text with the platform's public key, as DaxPay
 * Open's own SDKs do, and refuses an unsigned answer. Failures throw
 * AssistEnvelopeError with DaxPay Open's code.
 */
export class DaxPayOpenClient {
  private readonly privateKey: KeyObject;
  private readonly platformKey: KeyObject;
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: DaxPayOpenClientOptions) {
    this.privateKey = parseOpenPrivateKey(options.privateKey);
    this.platformKey = parseOpenPublicKey(options.platformPublicKey);
    const prefix = (options.routePrefix ?? '').replace(/^\/+|\/+$/g, '');
    this.base = `${options.baseUrl.replace(/\/+$/, '')}${prefix ? `/${prefix}` : ''}`;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** The signed self-check: who the gateway thinks this merchant is, and its sign string of the request. */
  async ping(): Promise<OpenPingResult> {
    const { data, meta } = await this.call('unipay/ping', {});
    return {
      ...meta,
      mchNo: String(data.mchNo),
      ...(typeof data.appId === 'string' && { appId: data.appId }),
      appFromDefault: data.appFromDefault === true,
      serverSignStr: text(data.serverSignStr),
    };
  }

  async generateAuthUrl(params: OpenAuthUrlParams): Promise<OpenAuthUrlResult> {
    const { data, meta } = await this.call('unipay/assist/channel/auth/generate-auth-url', {
      channel: params.channel,
      // Sent explicitly: the server would sign its default (wechat) otherwise.
      authType: params.authType ?? params.channel,
      returnPath: params.returnPath,
    });
    return {
      ...meta,
      authUrl: String(data.authUrl),
      queryCode: String(data.queryCode),
      authToken: String(data.authToken),
    };
  }

  async auth(params: OpenAuthParams): Promise<OpenAuthResult> {
    const { data, meta } = await this.call('unipay/assist/channel/auth/auth', { ...params });
    return {
      ...meta,
      status: String(data.status) as OpenAuthResult['status'],
      ...(typeof data.openId === 'string' && { openId: data.openId }),
      ...(typeof data.userId === 'string' && { userId: data.userId }),
      ...(typeof data.returnPath === 'string' && { returnPath: data.returnPath }),
    };
  }

  async authAndSet(params: OpenAuthParams): Promise<OpenAnswerMetaOnly> {
    const { meta } = await this.call('unipay/assist/channel/auth/auth-and-set', { ...params });
    return meta;
  }

  /** The signed get-openid link to send the payer's browser to. */
  openIdLink(params: OpenIdLinkParams): string {
    const body = this.signed({ authType: params.authType, wxAppId: params.wxAppId, redirectUrl: params.redirectUrl });
    const query = Object.entries(body).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
    return `${this.base}/unipay/open/auth/get-openid?${query.join('&')}`;
  }

  /**
   * The payer back at redirectUrl: the query's `code`, `msg`, `openid` and
   * `sign`, verified with the platform key over code, msg and openId. Returns
   * the openId; throws when the sign does not verify or the result is a failure.
   */
  verifyOpenIdReturn(url: string): string {
    const params = new URL(url).searchParams;
    const code = Number(params.get('code'));
    const msg = params.get('msg') ?? '';
    const openId = params.get('openid') ?? undefined;
    const sign = params.get('sign');
    if (!sign) throw new AssistSignatureError('unsigned');
    if (openVerify(openReturnSignString({ code, msg, openId }), sign, [this.platformKey]) < 0)
      throw new AssistSignatureError('mismatch');
    if (code !== 0 || openId === undefined) throw new AssistEnvelopeError(code, msg);
    return openId;
  }

  private signed(fields: Data): Data {
    const body: Data = {
      mchNo: this.options.mchNo,
      appId: this.options.appId,
      reqId: `R${Date.now().toString(36)}${randomBytes(6).toString('hex')}`,
      reqTime: formatChinaDateTime(Math.floor(Date.now() / 1000)),
      nonceStr: randomBytes(16).toString('hex'),
      ...fields,
    };
    for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
    return { ...body, sign: openSign(openSignString(body), this.privateKey) };
  }

  private async call(path: string, fields: Data): Promise<{ data: Data; meta: OpenAnswerMetaOnly }> {
    const body = this.signed(fields);
    const raw = await this.post(path, body);
    let answer: unknown;
    try {
      answer = JSON.parse(raw);
    } catch {
      answer = undefined;
    }
    if (!isRecord(answer) || !('code' in answer))
      throw new AssistNetworkError('body', `${path} answered something that is not a DaxResult`, 200);
    const code = Number(answer.code);
    if (typeof answer.sign !== 'string' || answer.sign === '') {
      // An unsigned success is never trusted; an unsigned failure is only a failure.
      if (code === 0) throw new AssistSignatureError('unsigned');
      throw new AssistEnvelopeError(code, text(answer.msg) || text(answer.message));
    }
    if (openVerify(openSignStringOfRaw(raw), answer.sign, [this.platformKey]) < 0)
      throw new AssistSignatureError('mismatch');
    if (code !== 0) throw new AssistEnvelopeError(code, text(answer.msg));
    const meta: OpenAnswerMetaOnly = {
      reqId: text(answer.reqId),
      ...(typeof answer.resTime === 'string' && { resTime: answer.resTime }),
    };
    return { data: isRecord(answer.data) ? answer.data : {}, meta };
  }

  private async post(path: string, body: Data): Promise<string> {
    const url = `${this.base}/${path}`;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    try {
      const res = await this.fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: timeout,
      });
      const text = await res.text();
      if (res.status !== 200) throw new AssistNetworkError('http', `${url} answered HTTP ${res.status}`, res.status);
      return text;
    } catch (err) {
      if (err instanceof AssistNetworkError) throw err;
      if (timeout.aborted)
        throw new AssistNetworkError('timeout', `no answer from ${url} within ${this.timeoutMs} ms`, undefined, err);
      const cause = (err as { cause?: { code?: string } })?.cause;
      throw new AssistNetworkError(
        'network',
        `cannot reach ${url}: ${cause?.code ?? (err as Error)?.message ?? String(err)}`,
        undefined,
        err,
      );
    }
  }
}

/** A JSON member as text: a string as is, a number printed, anything else empty. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

/** reqId and resTime of a verified answer. */
export interface OpenAnswerMetaOnly {
  reqId: string;
  resTime?: string;
}
