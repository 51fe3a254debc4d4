import type { Server } from 'node:http';
import { Body, Controller, Get, Header, HttpCode, Inject, Post } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { toDataURL } from 'qrcode';
import { ChannelAuthService } from 'unipay-assist';
import { isRecord } from '@unipay-assist/wire';
import { mask } from '@unipay-assist/wire';
import { SecretMerchant, signsWithSecret } from 'unipay-assist';
import { MerchantProvider } from 'unipay-assist';
import { DEFAULT_ROUTE_PREFIX } from 'unipay-assist';
import { sign, withSign } from '@unipay-assist/wire';
import { SignableFields } from '@unipay-assist/wire';
import { DEMO_HOSTED_CSP, DEMO_HOSTED_HTML } from './demo-hosted-page.html';

type Shown = Record<string, unknown>;

export interface DemoHostedAnswer {
  ok: boolean;
  request?: Shown;
  response?: Shown;
  /** generateAuthUrl: the QR code of authUrl, as a PNG data URL. */
  qr?: string;
  /** jump: the signed link to open in WeChat. */
  link?: string;
  error?: { message: string; code?: number };
}

/**
 * The demo's hosted-authorization page at `/hosted` and its helpers: the QR
 * scan flow (generateAuthUrl, a QR code, the PC page polling auth) and the
 * redirect-back flow (a signed jump link). They call the relay over HTTP as a
 * merchant server would, signing with the default merchant's secret (which
 * stays here) and checking every answer's sign. Demo only, never in AssistModule.
 */
@ApiExcludeController()
@Controller()
export class DemoHostedController {
  constructor(
    @Inject(MerchantProvider) private readonly merchants: MerchantProvider,
    private readonly channelAuth: ChannelAuthService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Get('hosted')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', DEMO_HOSTED_CSP)
  @Header('Cache-Control', 'no-store')
  @Header('Referrer-Policy', 'no-referrer')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('X-Frame-Options', 'DENY')
  page(): string {
    return DEMO_HOSTED_HTML;
  }

  @Post('demo/hosted/qr')
  @HttpCode(200)
  async qr(): Promise<DemoHostedAnswer> {
    const answer = await this.call('generateAuthUrl', { channel: 'wechat_pay', authType: 'wechat' });
    if (!answer.ok || !answer.response) return answer;
    const authUrl = String(answer.response.authUrl);
    return { ...answer, qr: await toDataURL(authUrl, { errorCorrectionLevel: 'M', margin: 1, width: 232 }) };
  }

  @Post('demo/hosted/result')
  @HttpCode(200)
  async result(@Body() body: unknown): Promise<DemoHostedAnswer> {
    const queryCode = isRecord(body) ? body.queryCode : undefined;
    if (typeof queryCode !== 'string' || queryCode.length === 0 || queryCode.length > 64)
      return { ok: false, error: { message: 'queryCode must be a string' } };
    const answer = await this.call('auth', { channel: 'wechat_pay', queryCode });
    // The page shows who the payer is; the token stays masked, as in any log.
    if (answer.response && typeof answer.response.accessToken === 'string')
      answer.response.accessToken = mask(answer.response.accessToken);
    return answer;
  }

  @Post('demo/hosted/jump')
  @HttpCode(200)
  async jump(): Promise<DemoHostedAnswer> {
    const merchant = await this.merchant();
    const base = this.channelAuth.publicRouteUrl('channel/auth/jump');
    if (!base) return { ok: false, error: { message: 'hosted authorization is off: set ASSIST_PUBLIC_BASE_URL' } };
    const fields = this.signed(merchant, {
      channel: 'wechat_pay',
      authType: 'wechat',
      redirectUrl: `${this.ownBaseUrl()}/hosted`,
      extParam: `demo-${randomBytes(3).toString('hex')}`,
    });
    const query = new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)]));
    return { ok: true, request: fields, link: `${base}?${query.toString()}` };
  }

  /** One signed POST to a channel-auth route, its answer's sign checked (the 2.0.6 way: the demo merchant's dialect). */
  private async call(route: string, fields: Record<string, unknown>): Promise<DemoHostedAnswer> {
    const merchant = await this.merchant();
    const request = this.signed(merchant, fields);
    let json: Record<string, unknown>;
    try {
      const res = await fetch(`${this.ownBaseUrl()}/${DEFAULT_ROUTE_PREFIX}/channel/auth/${route}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(10_000),
      });
      json = (await res.json()) as Record<string, unknown>;
    } catch (err) {
      return { ok: false, request, error: { message: `the relay did not answer: ${(err as Error).message}` } };
    }
    const data = json.data;
    if (json.code !== 0 || !isRecord(data))
      return { ok: false, request, error: { code: Number(json.code), message: String(json.msg) } };
    const { sign: received, ...unsigned } = data;
    if (received !== sign(unsigned as SignableFields, merchant.signType, merchant.signSecrets[0])) {
      return { ok: false, request, error: { message: "the answer's sign does not verify" } };
    }
    if (data.code !== 0) return { ok: false, request, response: data, error: { message: String(data.msg) } };
    return { ok: true, request, response: { ...data, signVerified: true } };
  }

  private signed(merchant: SecretMerchant, fields: Record<string, unknown>): Record<string, unknown> {
    const body = {
      mchNo: merchant.mchNo,
      ...(merchant.appId && { appId: merchant.appId }),
      reqTime: Math.floor(Date.now() / 1000),
      nonceStr: randomBytes(8).toString('hex'),
      ...fields,
    };
    return withSign(body as SignableFields, merchant.signType, merchant.signSecrets[0]);
  }

  private async merchant(): Promise<SecretMerchant> {
    const merchant = await this.merchants.findMerchant({});
    if (!merchant || !signsWithSecret(merchant))
      throw new Error('the demo needs a default merchant that signs with a secret');
    return merchant;
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
