import { HttpService } from '@nestjs/axios';
import { Injectable } from '@nestjs/common';
import { AxiosError } from 'axios';
import { AssistErrorCode } from '@unipay-assist/wire';
import { AssistException } from '../kernel/assist.exception';
import { buildAuthorizeUrl, WechatScope } from './wechat-authorize-url';
import { readWechatJson, WechatRefusal } from './wechat-json-body';
import { WechatExchangeResult } from './wechat-exchange-result';
import { parseUserInfoBody, WechatUserInfoResult } from './wechat-user-info';
import { InjectWechatOptions, ResolvedWechatOptions } from './wechat.options';
import { upstreamProxyOption } from './upstream-proxy';

/** The platform's component_access_token, or WeChat's refusal. */
export type ComponentTokenResult = { ok: true; accessToken: string; expiresIn: number } | WechatRefusal;

/**
 * Talks to WeChat's OAuth2 endpoints for one merchant at a time. Never lets an
 * axios error escape: its config holds the URL, and the URL holds the secret
 * and the code.
 */
@Injectable()
export class WechatOAuthService {
  readonly apiBase: string;
  readonly openBase: string;
  readonly timeoutMs: number;
  private readonly proxy: false | undefined;

  constructor(
    private readonly http: HttpService,
    @InjectWechatOptions() options: ResolvedWechatOptions,
  ) {
    this.apiBase = options.apiBase;
    this.openBase = options.openBase;
    this.proxy = upstreamProxyOption();
    this.timeoutMs = options.timeoutMs;
  }

  authorizeUrl(
    appId: string,
    redirectUri: string,
    scope?: WechatScope,
    state?: string,
    componentAppId?: string,
  ): string {
    return buildAuthorizeUrl(this.openBase, { appId, redirectUri, scope, state, componentAppId });
  }

  /**
   * The exchange of a third-party platform on behalf of an official account
   * that authorized it: `sns/oauth2/component/access_token`, the platform's
   * component_access_token in place of the account's AppSecret. Same answer
   * as the web flow's.
   */
  async exchangeCodeViaComponent(
    appId: string,
    code: string,
    component: { appId: string; accessToken: string },
  ): Promise<WechatExchangeResult> {
    const url =
      `${this.apiBase}/sns/oauth2/component/access_token` +
      `?appid=${encodeURIComponent(appId)}` +
      `&code=${encodeURIComponent(code)}` +
      `&grant_type=authorization_code` +
      `&component_appid=${encodeURIComponent(component.appId)}` +
      `&component_access_token=${encodeURIComponent(component.accessToken)}`;
    return parseExchangeBody(await this.getText(url));
  }

  /**
   * `cgi-bin/component/api_component_token`: the platform's appid, secret
   * and latest component_verify_ticket (POSTed as JSON) for its
   * component_access_token. A refusal comes back as `ok: false`; the body
   * holds the secret, and neither it nor the token leaves this method but
   * in the result.
   */
  async fetchComponentToken(component: {
    appId: string;
    appSecret: string;
    ticket: string;
  }): Promise<ComponentTokenResult> {
    const body = {
      component_appid: component.appId,
      component_appsecret: component.appSecret,
      component_verify_ticket: component.ticket,
    };
    const read = readWechatJson(await this.send(`${this.apiBase}/cgi-bin/component/api_component_token`, body));
    if (!('body' in read)) return read;
    const token = read.body.component_access_token;
    const expiresIn = Number(read.body.expires_in);
    if (typeof token !== 'string' || token === '') {
      throw new AssistException(
        AssistErrorCode.UPSTREAM_BAD_RESPONSE,
        'WeChat answered without component_access_token',
      );
    }
    return { ok: true, accessToken: token, expiresIn: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 7200 };
  }

  /** One exchange at `sns/oauth2/access_token`; WeChat refusals come back as `ok: false`. */
  async exchangeCode(wechat: { appId: string; appSecret: string }, code: string): Promise<WechatExchangeResult> {
    const url =
      `${this.apiBase}/sns/oauth2/access_token` +
      `?appid=${encodeURIComponent(wechat.appId)}` +
      `&secret=${encodeURIComponent(wechat.appSecret)}` +
      `&code=${encodeURIComponent(code)}` +
      `&grant_type=authorization_code`;
    return parseExchangeBody(await this.getText(url));
  }

  /**
   * The payer's profile at `sns/userinfo`, with the web access token of an
   * snsapi_userinfo exchange (a base-scope token gets 48001, a refusal).
   * Same timeout and error mapping as the exchange; the URL, which holds the
   * token, never leaves this method.
   */
  async fetchUserInfo(accessToken: string, openId: string): Promise<WechatUserInfoResult> {
    const url =
      `${this.apiBase}/sns/userinfo` +
      `?access_token=${encodeURIComponent(accessToken)}` +
      `&openid=${encodeURIComponent(openId)}` +
      `&lang=zh_CN`;
    return parseUserInfoBody(await this.getText(url), openId);
  }

  private getText(url: string): Promise<string> {
    return this.send(url);
  }

  /** A GET (no body) or a JSON POST; the answer's text, or the mapped transport failure. */
  private async send(url: string, json?: object): Promise<string> {
    let status: number;
    let text: string;
    try {
      // The HttpModule's axios instance (its keep-alive agents), called directly:
      // HttpService's Observable wrapper cancels the finished request on
      // unsubscribe, building an AxiosError with a stack on every exchange.
      const config = {
        timeout: this.timeoutMs,
        responseType: 'text' as const,
        // WeChat sends JSON as text/plain; parse it ourselves, once.
        transformResponse: (body: unknown) => body,
        validateStatus: () => true,
        maxRedirects: 0,
        proxy: this.proxy,
        maxContentLength: 64 * 1024,
      };
      const res =
        json === undefined
          ? await this.http.axiosRef.get<string>(url, config)
          : await this.http.axiosRef.post<string>(url, JSON.stringify(json), {
              ...config,
              headers: { 'Content-Type': 'application/json' },
            });
      status = res.status;
      text = typeof res.data === 'string' ? res.data : String(res.data ?? '');
    } catch (err) {
      throw upstreamError(err);
    }
    if (status >= 300) {
      throw new AssistException(AssistErrorCode.UPSTREAM_HTTP_ERROR, `WeChat answered HTTP ${status}`);
    }
    return text;
  }
}

/** WeChat's body: JSON whatever its content type; errcode != 0 is a refusal. */
export function parseExchangeBody(text: string): WechatExchangeResult {
  const read = readWechatJson(text);
  if (!('body' in read)) return read;
  const b = read.body;
  if (typeof b.openid !== 'string' || b.openid === '' || typeof b.access_token !== 'string' || b.access_token === '') {
    throw new AssistException(AssistErrorCode.UPSTREAM_BAD_RESPONSE, 'WeChat answered without openid or access_token');
  }
  const expiresIn = Number(b.expires_in);
  return {
    ok: true,
    token: {
      openId: b.openid,
      accessToken: b.access_token,
      expiresIn: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 7200,
      scope: typeof b.scope === 'string' ? b.scope : undefined,
      unionId: typeof b.unionid === 'string' && b.unionid !== '' ? b.unionid : undefined,
      snapshotUser: b.is_snapshotuser === 1 || b.is_snapshotuser === '1' ? true : undefined,
    },
  };
}

/** Maps a transport failure to its code, dropping the error (and the URL inside it). */
export function upstreamError(err: unknown): AssistException {
  const code = (err as AxiosError)?.code ?? (err as NodeJS.ErrnoException)?.code;
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED') {
    return new AssistException(AssistErrorCode.UPSTREAM_TIMEOUT, 'WeChat did not answer in time');
  }
  if (code === 'ERR_BAD_RESPONSE' || code === 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED' || code === 'HPE_INVALID_CONSTANT') {
    return new AssistException(
      AssistErrorCode.UPSTREAM_BAD_RESPONSE,
      'WeChat answered something that is not HTTP JSON',
    );
  }
  return new AssistException(
    AssistErrorCode.UPSTREAM_UNREACHABLE,
    `WeChat is unreachable${typeof code === 'string' ? ` (${code})` : ''}`,
  );
}
