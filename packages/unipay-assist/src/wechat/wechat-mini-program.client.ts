import axios, { AxiosError, AxiosInstance } from 'axios';
import { describeMiniProgramErrcode } from './wechat-mini-program-errors';
import { MiniProgramSessionResult, WechatTransportFailure } from './wechat-mini-program-result';
import { upstreamProxyOption } from './upstream-proxy';

export const DEFAULT_MINI_PROGRAM_TIMEOUT_MS = 5000;

export interface MiniProgramApp {
  appId: string;
  appSecret: string;
}

export interface WechatMiniProgramClientOptions {
  /** WeChat's API base, e.g. `https://api.weixin.qq.com`, or the simulator's. */
  apiBase: string;
  /** Per call. Default 5000. */
  timeoutMs?: number;
  /** The axios instance to call with (a Nest host passes HttpService.axiosRef). Default a plain one. */
  http?: AxiosInstance;
}

/**
 * `sns/jscode2session` for mini programs: the `wx.login` code to the
 * payer's openId (and unionId when the app is bound to an Open Platform
 * account). Never throws and never lets an axios error escape: its config
 * holds the URL, and the URL holds the AppSecret and the code. No NestJS.
 */
export class WechatMiniProgramClient {
  readonly apiBase: string;
  readonly timeoutMs: number;
  private readonly proxy: false | undefined;
  private readonly http: AxiosInstance;

  constructor(options: WechatMiniProgramClientOptions) {
    this.apiBase = options.apiBase.replace(/\/+$/, '');
    this.proxy = upstreamProxyOption();
    this.timeoutMs = options.timeoutMs ?? DEFAULT_MINI_PROGRAM_TIMEOUT_MS;
    this.http = options.http ?? axios.create();
  }

  async code2Session(app: MiniProgramApp, jsCode: string): Promise<MiniProgramSessionResult> {
    const url =
      `${this.apiBase}/sns/jscode2session` +
      `?appid=${encodeURIComponent(app.appId)}` +
      `&secret=${encodeURIComponent(app.appSecret)}` +
      `&js_code=${encodeURIComponent(jsCode)}` +
      `&grant_type=authorization_code`;
    let status: number;
    let text: string;
    try {
      const res = await this.http.get<string>(url, {
        timeout: this.timeoutMs,
        responseType: 'text',
        // WeChat sends JSON as text/plain; parse it ourselves, once.
        transformResponse: (body: unknown) => body,
        validateStatus: () => true,
        maxRedirects: 0,
        proxy: this.proxy,
        maxContentLength: 64 * 1024,
      });
      status = res.status;
      text = typeof res.data === 'string' ? res.data : String(res.data ?? '');
    } catch (err) {
      return miniProgramTransportFailure(err);
    }
    if (status >= 300) return { ok: false, kind: 'http-error', status, reason: `WeChat answered HTTP ${status}` };
    return parseJscode2sessionBody(text);
  }
}

/** jscode2session's body: JSON whatever its content type; errcode != 0 is a refusal. */
export function parseJscode2sessionBody(text: string): MiniProgramSessionResult {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return badResponse('WeChat answered a body that is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return badResponse('WeChat answered JSON that is not an object');
  }
  // session_key is deliberately never read into a variable, returned or stored: it
  // decrypts the payer's wx.getUserInfo / phone-number data and signs their session,
  // so it belongs to the mini program's own back end, not to a relay of identity.
  const { openid, unionid, errcode: rawErrcode } = body as Record<string, unknown>;
  if (rawErrcode !== undefined && rawErrcode !== 0 && rawErrcode !== '0') {
    const errcode = Number(rawErrcode);
    if (!Number.isInteger(errcode)) return badResponse('WeChat answered an errcode that is not a number');
    return { ok: false, errcode, reason: describeMiniProgramErrcode(errcode) };
  }
  if (typeof openid !== 'string' || openid === '') return badResponse('WeChat answered without openid');
  const result: MiniProgramSessionResult = { ok: true, openId: openid };
  if (typeof unionid === 'string' && unionid !== '') result.unionId = unionid;
  return result;
}

/** Maps an axios / socket failure to its kind, dropping the error (and the URL inside it). */
export function miniProgramTransportFailure(err: unknown): WechatTransportFailure {
  const code = (err as AxiosError)?.code ?? (err as NodeJS.ErrnoException)?.code;
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED') {
    return { ok: false, kind: 'timeout', reason: 'WeChat did not answer in time' };
  }
  if (
    code === 'ERR_BAD_RESPONSE' ||
    code === 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED' ||
    (typeof code === 'string' && code.startsWith('HPE_'))
  ) {
    return badResponse('WeChat answered something that is not HTTP JSON');
  }
  return {
    ok: false,
    kind: 'unreachable',
    reason: `WeChat is unreachable${typeof code === 'string' ? ` (${code})` : ''}`,
  };
}

function badResponse(reason: string): WechatTransportFailure {
  return { ok: false, kind: 'bad-response', reason };
}
