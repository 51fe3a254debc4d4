import type { Server } from 'node:http';
import { Body, Controller, Get, Header, HttpCode, Inject, Logger, Post } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AddressInfo } from 'node:net';
import { AssistBusinessError } from '@unipay-assist/client';
import { AssistEnvelopeError } from '@unipay-assist/client';
import { AssistNetworkError } from '@unipay-assist/client';
import { AssistSignatureError } from '@unipay-assist/client';
import { isRecord } from '@unipay-assist/wire';
import { mask as maskToken } from '@unipay-assist/wire';
import { UnipayAssistClient } from '@unipay-assist/client';
import { MerchantProvider, signsWithSecret } from 'unipay-assist';
import { DEFAULT_ROUTE_PREFIX } from 'unipay-assist';
import { canonicalString } from '@unipay-assist/wire';
import { DEMO_PAGE_CSP, DEMO_PAGE_HTML } from './demo-page.html';
import { ApiExcludeController } from '@nestjs/swagger';
import { DEMO_SIMULATORS, DemoSimulators } from './demo-simulators';

type Shown = Record<string, unknown>;

export interface DemoStepAnswer {
  ok: boolean;
  /** The signed body sent to the relay, with the OAuth code masked. */
  request?: Shown;
  /** The string the sign covers, without `&key=<secret>` (code masked). */
  signedString?: string;
  response?: Shown;
  error?: { kind: string; code?: number; message: string; traceId?: string };
}

/**
 * The demo server's page at `/` and its two helpers. They call the relay
 * over HTTP like a merchant backend would, through the client SDK, so the
 * sign secret stays on the server and every answer's sign is verified.
 * Demo only: this controller is in DemoModule, never in AssistModule.
 */
// The demo's own routes are not part of the relay's API document.
@ApiExcludeController()
@Controller()
export class DemoPageController {
  constructor(
    @Inject(MerchantProvider) private readonly merchants: MerchantProvider,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(DEMO_SIMULATORS) private readonly simulators: DemoSimulators,
  ) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', DEMO_PAGE_CSP)
  @Header('Cache-Control', 'no-store')
  @Header('Referrer-Policy', 'no-referrer')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('X-Frame-Options', 'DENY')
  page(): string {
    return DEMO_PAGE_HTML;
  }

  @Post('demo/auth-url')
  @HttpCode(200)
  async authUrl(@Body() body: unknown): Promise<DemoStepAnswer> {
    const input = isRecord(body) ? body : {};
    const { url, state, scope } = input;
    if (typeof url !== 'string' || (state !== undefined && typeof state !== 'string')) {
      return inputError('url (and state, when sent) must be strings');
    }
    if (scope !== undefined && scope !== 'snsapi_base' && scope !== 'snsapi_userinfo') {
      return inputError('scope must be snsapi_base or snsapi_userinfo');
    }
    const shown: DemoStepAnswer = { ok: false };
    const { client, signType } = await this.client();
    try {
      const result = await client.getWxAuthUrl({ url, state, scope }, { onRequest: (_r, sent) => show(shown, sent) });
      return { ...shown, ok: true, response: { ...result, signType, signVerified: true } };
    } catch (err) {
      return { ...shown, ok: false, error: describe(err) };
    }
  }

  @Post('demo/access-token')
  @HttpCode(200)
  async accessToken(@Body() body: unknown): Promise<DemoStepAnswer> {
    const code = isRecord(body) ? body.code : undefined;
    if (typeof code !== 'string' || code.length === 0 || code.length > 64)
      return inputError('code must be a string of 1 to 64 characters');
    const shown: DemoStepAnswer = { ok: false };
    const { client, signType } = await this.client();
    try {
      const result = await client.getWxAccessToken({ code }, { onRequest: (_r, sent) => show(shown, sent) });
      return {
        ...shown,
        ok: true,
        // The page shows who the user is; the token stays masked, as in any log.
        response: { ...result, accessToken: maskToken(result.accessToken), signType, signVerified: true },
      };
    } catch (err) {
      return { ...shown, ok: false, error: describe(err) };
    }
  }

  @Post('demo/alipay-auth-url')
  @HttpCode(200)
  async alipayAuthUrl(@Body() body: unknown): Promise<DemoStepAnswer> {
    const input = isRecord(body) ? body : {};
    const { url, state } = input;
    if (typeof url !== 'string' || (state !== undefined && typeof state !== 'string')) {
      return inputError('url (and state, when sent) must be strings');
    }
    const shown: DemoStepAnswer = { ok: false };
    const { client, signType } = await this.client();
    try {
      const result = await client.getAlipayAuthUrl({ url, state }, { onRequest: (_r, sent) => show(shown, sent) });
      return { ...shown, ok: true, response: { ...result, signType, signVerified: true } };
    } catch (err) {
      return { ...shown, ok: false, error: describe(err, 'Alipay') };
    }
  }

  @Post('demo/alipay-user-id')
  @HttpCode(200)
  async alipayUserId(@Body() body: unknown): Promise<DemoStepAnswer> {
    const authCode = isRecord(body) ? body.authCode : undefined;
    if (typeof authCode !== 'string' || authCode.length === 0 || authCode.length > 64) {
      return inputError('authCode must be a string of 1 to 64 characters');
    }
    const shown: DemoStepAnswer = { ok: false };
    const { client, signType } = await this.client();
    try {
      const result = await client.getAlipayUserId({ authCode }, { onRequest: (_r, sent) => show(shown, sent) });
      return { ...shown, ok: true, response: { ...result, signType, signVerified: true } };
    } catch (err) {
      return { ...shown, ok: false, error: describe(err, 'Alipay') };
    }
  }

  /**
   * The mini program's two steps in one: the embedded simulator issues the
   * code wx.login would give (its admin API, called from here, never from the
   * browser), then the relay exchanges it for the openId.
   */
  @Post('demo/mini-openid')
  @HttpCode(200)
  async miniOpenId(): Promise<DemoStepAnswer> {
    const merchant = await this.merchants.findMerchant({});
    const appid = merchant?.miniProgram?.appId;
    if (!this.simulators.wechatBase || !appid) {
      return {
        ok: false,
        error: {
          kind: 'setup',
          message: 'the mini-program step needs the embedded WeChat simulator and a merchant mini program',
        },
      };
    }
    let code: string;
    try {
      const res = await fetch(`${this.simulators.wechatBase}/__sim/mini/codes`, {
        method: 'POST',
        body: JSON.stringify({ appid, user: 'demo-user' }),
        signal: AbortSignal.timeout(10_000),
      });
      const json: unknown = await res.json();
      if (!res.ok || !isRecord(json) || typeof json.code !== 'string') throw new Error(`HTTP ${res.status}`);
      code = json.code;
    } catch (err) {
      return {
        ok: false,
        error: {
          kind: 'simulator',
          message: `wx.login at the simulator failed: ${err instanceof Error ? err.message : String(err)}`,
        },
      };
    }
    const shown: DemoStepAnswer = { ok: false };
    const { client, signType } = await this.client();
    try {
      const result = await client.getWxMiniOpenId({ code }, { onRequest: (_r, sent) => show(shown, sent) });
      return { ...shown, ok: true, response: { ...result, signType, signVerified: true } };
    } catch (err) {
      return { ...shown, ok: false, error: describe(err) };
    }
  }

  private async client(): Promise<{ client: UnipayAssistClient; signType: string }> {
    const merchant = await this.merchants.findMerchant({});
    if (!merchant || !signsWithSecret(merchant))
      throw new Error('the demo needs a default merchant that signs with a secret');
    const client = new UnipayAssistClient({
      baseUrl: this.ownBaseUrl(),
      routePrefix: DEFAULT_ROUTE_PREFIX,
      mchNo: merchant.mchNo,
      signType: merchant.signType,
      signSecret: merchant.signSecrets[0],
      timeoutMs: 10_000,
    });
    return { client, signType: merchant.signType };
  }

  /** This server's own loopback address: never the request's Host header, which the caller controls. */
  private ownBaseUrl(): string {
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    const address = server.address() as AddressInfo;
    let host = address.address;
    if (host === '0.0.0.0') host = '127.0.0.1';
    if (host === '::') host = '::1';
    return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }
}

function show(answer: DemoStepAnswer, sent: Readonly<Record<string, unknown>>): void {
  const masked: Shown = { ...sent };
  if (typeof masked.code === 'string') masked.code = maskToken(masked.code);
  if (typeof masked.authCode === 'string') masked.authCode = maskToken(masked.authCode);
  answer.request = masked;
  answer.signedString = `${canonicalString(masked as Record<string, string>)}&key=******`;
}

/** The upstream that answers a step: the mini program is WeChat's too. */
type DemoChannel = 'WeChat' | 'Alipay';

function describe(err: unknown, channel: DemoChannel = 'WeChat'): NonNullable<DemoStepAnswer['error']> {
  if (err instanceof AssistEnvelopeError)
    return { kind: 'relay refused', code: err.code, message: err.message, traceId: err.traceId };
  // A business failure is the upstream's refusal: name the channel that refused (Alipay's sub_code, WeChat's errcode).
  if (err instanceof AssistBusinessError)
    return { kind: `${channel} refused`, code: err.wxErrcode, message: err.serverMessage, traceId: err.traceId };
  if (err instanceof AssistSignatureError) return { kind: 'answer sign', message: err.message, traceId: err.traceId };
  if (err instanceof AssistNetworkError) return { kind: 'network', message: err.message };
  new Logger('DemoPage').error(err instanceof Error ? err.message : String(err));
  return { kind: 'internal', message: 'the demo server failed; see its log' };
}

function inputError(message: string): DemoStepAnswer {
  return { ok: false, error: { kind: 'input', message } };
}
