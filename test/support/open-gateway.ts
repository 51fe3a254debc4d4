import { INestApplication } from '@nestjs/common';
import { createDemoApp, HttpAdapterName } from '../../apps/demo/src/create-demo-app';
import { DEMO_MERCHANT, DEMO_WECHAT_APP } from '../../apps/demo/src/demo-merchant';
import { MerchantInput } from '../../packages/unipay-assist/src/merchants/merchant';
import { AssistModuleOptions, AssistModuleExtras } from '../../packages/unipay-assist/src/module/assist.options';
import { openVectors } from './daxpay-open-reference';
import { freePort } from './redis-server';

/** The vectors' merchant (its public key), a DaxPay Open merchant with the demo WeChat app. */
export const OPEN_MERCHANT: MerchantInput = {
  mchNo: 'M2000000001',
  appId: 'A2000000001',
  wechat: DEMO_WECHAT_APP,
  dialect: 'daxpay-open',
  signType: 'RSA',
  signPublicKey: openVectors.keys['merchant-test'].publicKeyPem,
  redirectHosts: ['shop.example.com', '127.0.0.1:*'],
};

/** A second Open merchant without an appId (ping answers appFromDefault false, no appId). */
export const OPEN_MERCHANT_NO_APP: MerchantInput = { ...OPEN_MERCHANT, mchNo: 'M2000000009', appId: undefined };

export const MERCHANT_KEY = openVectors.keys['merchant-test'];
export const PLATFORM_KEY = openVectors.keys['platform-test'];

export interface OpenGateway {
  app: INestApplication;
  baseUrl: string;
}

/** The demo app with the Open merchants (and the demo's own), the platform key, hosted auth on its own port. */
export async function startOpenGateway(
  adapter: HttpAdapterName,
  wechatBase: string,
  override: Partial<AssistModuleOptions> = {},
): Promise<OpenGateway> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const app = await createDemoApp({
    adapter,
    logger: false,
    wechatBase,
    override: {
      merchants: [DEMO_MERCHANT, OPEN_MERCHANT, OPEN_MERCHANT_NO_APP],
      platformKey: { privateKey: PLATFORM_KEY.privateKeyPem },
      hostedAuth: { publicBaseUrl: baseUrl },
      mpVerifyFiles: { AbCdEf0123: 'AbCdEf0123' },
      ...override,
    },
  });
  await app.listen(port, '127.0.0.1');
  return { app, baseUrl };
}

export type { AssistModuleExtras };

/**
 * A DaxResult as the tests read it (the relay's answer is checked by matchers;
 * `data` members are read as strings where a test uses one).
 */
export interface OpenJson {
  code: number;
  msg: string;
  reqId?: string;
  resTime?: string;
  sign?: string;
  data: Record<string, string>;
}

/** One POST of JSON to `<baseUrl>/<path>`: status, raw text and parsed JSON. */
export async function postOpen(
  baseUrl: string,
  path: string,
  body: unknown,
): Promise<{ status: number; raw: string; json: OpenJson }> {
  const res = await fetch(`${baseUrl}/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const raw = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    json = undefined;
  }
  // Tests that send a non-JSON answer's way check `raw`; everything else is a DaxResult or a failing test.
  return { status: res.status, raw, json: json as OpenJson };
}
