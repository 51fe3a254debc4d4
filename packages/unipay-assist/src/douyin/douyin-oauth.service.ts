import { HttpService } from '@nestjs/axios';
import { Injectable } from '@nestjs/common';
import { AxiosError } from 'axios';
import { AssistErrorCode } from '@unipay-assist/wire';
import { AssistException } from '../kernel/assist.exception';
import { upstreamProxyOption } from '../wechat/upstream-proxy';
import { buildDouyinSilentAuthUrl } from './douyin-authorize-url';
import { DouyinExchangeResult, parseDouyinTokenBody } from './douyin-exchange';
import { InjectDouyinOptions, ResolvedDouyinOptions } from './douyin.options';

/** A merchant's Douyin open-platform app (网站应用 / H5). */
export interface DouyinApp {
  clientKey: string;
  /** A secret: never logged, never returned. */
  clientSecret: string;
}

/**
 * Douyin's H5 OAuth: the silent authorize URL and `oauth/access_token/`
 * (POST form: client_key, client_secret, code, grant_type). Never lets an
 * axios error escape: its config holds the secret and the code.
 */
@Injectable()
export class DouyinOAuthService {
  readonly apiBase: string;
  private readonly authBase: string;
  private readonly timeoutMs: number;
  private readonly proxy: false | undefined;

  constructor(
    private readonly http: HttpService,
    @InjectDouyinOptions() options: ResolvedDouyinOptions,
  ) {
    this.apiBase = options.apiBase;
    this.authBase = options.authBase;
    this.timeoutMs = options.timeoutMs;
    this.proxy = upstreamProxyOption();
  }

  authorizeUrl(app: DouyinApp, redirectUri: string, state: string): string {
    return buildDouyinSilentAuthUrl(this.authBase, { clientKey: app.clientKey, redirectUri, state });
  }

  async exchangeCode(app: DouyinApp, code: string): Promise<DouyinExchangeResult> {
    const form = new URLSearchParams({
      client_key: app.clientKey,
      client_secret: app.clientSecret,
      code,
      grant_type: 'authorization_code',
    });
    let status: number;
    let text: string;
    try {
      const res = await this.http.axiosRef.post<string>(`${this.apiBase}/oauth/access_token/`, form.toString(), {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        timeout: this.timeoutMs,
        responseType: 'text',
        transformResponse: (body: unknown) => body,
        validateStatus: () => true,
        maxRedirects: 0,
        proxy: this.proxy,
        maxContentLength: 64 * 1024,
      });
      status = res.status;
      text = typeof res.data === 'string' ? res.data : String(res.data ?? '');
    } catch (err) {
      throw douyinTransportError(err);
    }
    if (status >= 300) throw new AssistException(AssistErrorCode.UPSTREAM_HTTP_ERROR, `Douyin answered HTTP ${status}`);
    return parseDouyinTokenBody(text);
  }
}

/** The transport failure's code (the same numbers as WeChat's; the message names Douyin), the error itself dropped. */
function douyinTransportError(err: unknown): AssistException {
  const code = (err as AxiosError)?.code ?? (err as NodeJS.ErrnoException)?.code;
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED') {
    return new AssistException(AssistErrorCode.UPSTREAM_TIMEOUT, 'Douyin did not answer in time');
  }
  if (
    code === 'ERR_BAD_RESPONSE' ||
    code === 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED' ||
    (typeof code === 'string' && code.startsWith('HPE_'))
  ) {
    return new AssistException(
      AssistErrorCode.UPSTREAM_BAD_RESPONSE,
      'Douyin answered something that is not HTTP JSON',
    );
  }
  return new AssistException(
    AssistErrorCode.UPSTREAM_UNREACHABLE,
    `Douyin is unreachable${typeof code === 'string' ? ` (${code})` : ''}`,
  );
}
