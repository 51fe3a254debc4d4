import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { createDemoApp, HttpAdapterName } from '../../apps/demo/src/create-demo-app';
import { DEMO_MERCHANT, DEMO_WECHAT_APP } from '../../apps/demo/src/demo-merchant';
import { MerchantInput } from '../../packages/unipay-assist/src/merchants/merchant';
import { AssistModuleOptions } from '../../packages/unipay-assist/src/module/assist.options';
import { RunningSimulator, startSimulatorServer } from '../../packages/simulator/src/simulator.server';
import { WechatSimulatorOptions } from '../../packages/simulator/src/wechat-simulator';
import { daxpay3Reference } from './daxpay3-reference';
import { freePort } from './redis-server';

/**
 * A gateway with hosted authorization on, listening on the port its
 * `hostedAuth.publicBaseUrl` names (so WeChat's redirect really reaches it),
 * with a WeChat simulator; for the channel-auth suites.
 */
export interface ChannelAuthGateway {
  readonly sim: RunningSimulator;
  readonly app: INestApplication;
  /** `http://127.0.0.1:<port>`: the gateway, and its public base URL. */
  readonly baseUrl: string;
}

/** A 3.0 merchant (its own secret), a second 2.0.6 merchant and one that takes snapshot users flagged. */
export const MERCHANT_30: MerchantInput = {
  mchNo: 'M3000000003',
  appId: 'A3000000003',
  wechat: DEMO_WECHAT_APP,
  signType: 'HMAC_SHA256',
  signSecret: 'secret-30',
  dialect: 'daxpay-3.0',
  // Pinned: only 3.0 is accepted, so its own window (|now − reqTime| ≤ reqTimeout) applies, not the strictest of 3.0's and the multi line's.
  strictDialect: true,
  redirectHosts: ['127.0.0.1:*', 'localhost:*'],
};
export const MERCHANT_30_MD5: MerchantInput = {
  ...MERCHANT_30,
  mchNo: 'M3000000005',
  appId: 'A3000000005',
  signType: 'MD5',
};
export const MERCHANT_30_SM3: MerchantInput = {
  ...MERCHANT_30,
  mchNo: 'M3000000006',
  appId: 'A3000000006',
  signType: 'SM3',
};
export const OTHER_MERCHANT: MerchantInput = {
  mchNo: 'M2000000002',
  appId: 'A2000000002',
  wechat: DEMO_WECHAT_APP,
  signSecret: 'secret-other',
  redirectHosts: ['shop.example.com'],
};
export const FLAG_MERCHANT: MerchantInput = {
  mchNo: 'M4000000004',
  appId: 'A4000000004',
  wechat: DEMO_WECHAT_APP,
  signSecret: 'secret-flag',
  snapshotUsers: 'flag',
  redirectHosts: ['127.0.0.1:*'],
};
export const MERCHANTS: MerchantInput[] = [
  DEMO_MERCHANT,
  MERCHANT_30,
  MERCHANT_30_MD5,
  MERCHANT_30_SM3,
  OTHER_MERCHANT,
  FLAG_MERCHANT,
];

export function useChannelAuthGateway(
  adapter: HttpAdapterName,
  options: { override?: Partial<AssistModuleOptions>; simulator?: WechatSimulatorOptions; hosted?: boolean } = {},
): ChannelAuthGateway {
  let sim: RunningSimulator | undefined;
  let app: INestApplication | undefined;
  let baseUrl = '';
  beforeAll(async () => {
    sim = await startSimulatorServer(options.simulator ?? { apps: [DEMO_WECHAT_APP] });
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    app = await createDemoApp({
      adapter,
      logger: false,
      wechatBase: sim.baseUrl,
      override: {
        merchants: MERCHANTS,
        ...(options.hosted !== false && { hostedAuth: { publicBaseUrl: baseUrl } }),
        ...options.override,
      },
    });
    await app.listen(port, '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
    await sim?.close();
  });
  return {
    get sim() {
      return sim!;
    },
    get app() {
      return app!;
    },
    get baseUrl() {
      return baseUrl;
    },
  };
}

/** `yyyy-MM-dd HH:mm:ss` in China time, written here from Date (not the relay's formatter). */
export function chinaTime(epochSeconds = Math.floor(Date.now() / 1000)): string {
  return new Date((epochSeconds + 8 * 3600) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

type SignType = 'MD5' | 'HMAC_SHA256' | 'SM3';

/** A 3.0 client's body: mchNo, appId, China-time reqTime, nonceStr, and the 3.0 sign (independent implementation). */
export function body30(
  merchant: MerchantInput,
  fields: Record<string, unknown>,
  reqTime = chinaTime(),
): Record<string, unknown> {
  const unsigned = {
    mchNo: merchant.mchNo,
    appId: merchant.appId,
    reqTime,
    nonceStr: randomBytes(6).toString('hex'),
    ...fields,
  };
  const signType = (merchant.signType ?? 'HMAC_SHA256') as SignType;
  return { ...unsigned, sign: daxpay3Reference.signRequest(unsigned, signType, merchant.signSecret as string) };
}

/** POSTs JSON to `<baseUrl>/unipay/assist/channel/auth/<route>`. */
export async function postChannelAuth(
  baseUrl: string,
  route: string,
  body: unknown,
): Promise<{ status: number; json: any }> {
  const res = await fetch(`${baseUrl}/unipay/assist/channel/auth/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) };
}

export const WECHAT_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0 Mobile Safari/537.36 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 NetType/WIFI Language/en';

/** One GET without following redirects; `location` when it redirects. */
export async function getPage(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; location: string | null; text: string; headers: Headers }> {
  const res = await fetch(url, { redirect: 'manual', headers });
  return { status: res.status, location: res.headers.get('location'), text: await res.text(), headers: res.headers };
}

/** Follows an authorize URL at the simulator (consent as `user`, or declined) and returns WeChat's redirect to the callback. */
export async function authorizeAt(
  authUrl: string,
  options: { user?: string; deny?: boolean; extra?: Record<string, string> } = {},
): Promise<string> {
  const [base, fragment] = authUrl.split('#');
  const url = new URL(base);
  if (options.user) url.searchParams.set('sim_user', options.user);
  if (options.deny) url.searchParams.set('sim_consent', 'deny');
  for (const [k, v] of Object.entries(options.extra ?? {})) url.searchParams.set(k, v);
  const res = await getPage(`${url.toString()}${fragment ? `#${fragment}` : ''}`);
  if (res.status !== 302 || !res.location) throw new Error(`simulator answered ${res.status}: ${res.text}`);
  return res.location;
}
