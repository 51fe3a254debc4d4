import {
  DEMO_ALIPAY_APP_ID,
  DEMO_MERCHANT,
  DEMO_MINI_PROGRAM,
  DEMO_WECHAT_APP,
} from '../../apps/demo/src/demo-merchant';
import { HttpAdapterName } from '../../apps/demo/src/create-demo-app';
import { AssistModuleOptions } from '../../packages/unipay-assist/src/module/assist.options';
import { RunningAlipaySimulator, startAlipaySimulator } from '../../packages/simulator/src/alipay-simulator.server';
import { AlipayIdMode } from '../../packages/simulator/src/alipay-simulator';
import { RunningSimulator, startSimulatorServer } from '../../packages/simulator/src/simulator.server';
import { RunningGateway, startGateway } from './gateway';

export { DEMO_ALIPAY_APP_ID, DEMO_MINI_PROGRAM };

/** A second merchant with the official account only: no Alipay app, no mini program. */
export const WECHAT_ONLY_MERCHANT = {
  ...DEMO_MERCHANT,
  mchNo: 'M1000000002',
  appId: 'A1000000002',
  miniProgram: undefined,
};

/** The WeChat simulator (with the demo mini program), the Alipay simulator and the demo gateway wired to both. */
export interface ChannelsFixture {
  readonly wechat: RunningSimulator;
  readonly alipay: RunningAlipaySimulator;
  readonly gw: RunningGateway;
}

export interface ChannelsOptions {
  /** Which ids the demo Alipay app gets. Default `open_id`. */
  alipayIds?: AlipayIdMode;
  /** Timeout of one call to Alipay. Default the module's (5000). */
  alipayTimeoutMs?: number;
  /** Timeout of one call to WeChat. Default the module's. */
  wechatTimeoutMs?: number;
  exchange?: AssistModuleOptions['exchange'];
}

/**
 * Registers a `beforeAll` starting both simulators and the demo gateway,
 * whose merchant has the Alipay simulator's keys (in memory) and the demo
 * mini program, and an `afterAll` closing them.
 */
export function useChannelsGateway(adapter: HttpAdapterName, options: ChannelsOptions = {}): ChannelsFixture {
  let wechat: RunningSimulator | undefined;
  let alipay: RunningAlipaySimulator | undefined;
  let gw: RunningGateway | undefined;
  beforeAll(async () => {
    wechat = await startSimulatorServer({ apps: [DEMO_WECHAT_APP], miniPrograms: [DEMO_MINI_PROGRAM] });
    alipay = await startAlipaySimulator({ apps: [{ appId: DEMO_ALIPAY_APP_ID, ids: options.alipayIds }] });
    const keys = alipay.appKeys(DEMO_ALIPAY_APP_ID);
    gw = await startGateway({
      adapter,
      wechatBase: wechat.baseUrl,
      override: {
        merchants: [
          {
            ...DEMO_MERCHANT,
            alipay: {
              appId: DEMO_ALIPAY_APP_ID,
              appPrivateKey: keys.appPrivateKey ?? '',
              alipayPublicKey: keys.alipayPublicKey,
            },
          },
          WECHAT_ONLY_MERCHANT,
        ],
        wechat: {
          apiBase: wechat.baseUrl,
          openBase: wechat.baseUrl,
          ...(options.wechatTimeoutMs && { timeoutMs: options.wechatTimeoutMs }),
        },
        alipay: {
          gateway: alipay.gateway,
          openAuthBase: alipay.openAuthBase,
          ...(options.alipayTimeoutMs && { timeoutMs: options.alipayTimeoutMs }),
        },
        ...(options.exchange && { exchange: options.exchange }),
      },
    });
  }, 30_000);
  afterAll(async () => {
    await gw?.close();
    await alipay?.close();
    await wechat?.close();
  });
  const need = <T>(v: T | undefined, what: string): T => {
    if (!v) throw new Error(`${what} is not running (use it in a test or a later hook)`);
    return v;
  };
  return {
    get wechat() {
      return need(wechat, 'the WeChat simulator');
    },
    get alipay() {
      return need(alipay, 'the Alipay simulator');
    },
    get gw() {
      return need(gw, 'the gateway');
    },
  };
}

/** Follows an Alipay authorize URL to the simulator and returns the auth_code it redirects with. */
export async function authCodeFrom(authorizeUrl: string): Promise<string> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`Alipay simulator answered ${res.status}`);
  const code = new URL(location).searchParams.get('auth_code');
  if (!code) throw new Error('no auth_code in the redirect');
  return code;
}
