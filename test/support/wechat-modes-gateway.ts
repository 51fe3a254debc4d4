import { DEMO_MERCHANT, DEMO_WECHAT_APP } from '../../apps/demo/src/demo-merchant';
import { HttpAdapterName } from '../../apps/demo/src/create-demo-app';
import { MerchantInput } from '../../packages/unipay-assist/src/merchants/merchant';
import { AssistModuleOptions } from '../../packages/unipay-assist/src/module/assist.options';
import { RunningSimulator, startSimulatorServer } from '../../packages/simulator/src/simulator.server';
import { ComponentPlatformSimulator } from '../../packages/simulator/src/wechat-component-simulator';
import { LogCapture } from './log-capture';
import { RunningGateway, startGateway } from './gateway';
import { SHARED_REDIS_URL, uniquePrefix } from './redis-server';

/** The gateway's service-provider app (a WeChat app the simulator knows). */
export const SP_APP = { appId: 'wx0sp0provider0001', appSecret: 'sp-app-secret-not-real' };

/** The gateway's third-party platform: its secrets as set on WeChat's side and on the gateway. */
export const COMPONENT = {
  appId: 'wx0component0plat1',
  appSecret: 'component-secret-not-real',
  token: 'simComponentToken42',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};

/** An official account that authorized the platform (its AppSecret is nowhere). */
export const COMPONENT_ACCOUNT = 'wx0merchant0viaplat';

export const SP_MERCHANT: MerchantInput = {
  ...DEMO_MERCHANT,
  mchNo: 'M5000000005',
  appId: 'A5000000005',
  miniProgram: undefined,
  wechat: { serviceProvider: true },
};
export const COMPONENT_MERCHANT: MerchantInput = {
  ...DEMO_MERCHANT,
  mchNo: 'M6000000006',
  appId: 'A6000000006',
  miniProgram: undefined,
  wechat: { appId: COMPONENT_ACCOUNT, viaComponent: true },
};
export const OWN_MERCHANT: MerchantInput = { ...DEMO_MERCHANT, miniProgram: undefined };

export interface WechatModesFixture {
  readonly sim: RunningSimulator;
  readonly component: ComponentPlatformSimulator;
  /** Two instances of one gateway, sharing a Redis key prefix. */
  readonly a: RunningGateway;
  readonly b: RunningGateway;
  /** Both instances' log lines. */
  readonly logs: LogCapture;
}

/**
 * A WeChat simulator with the demo app, the service provider's app and a
 * third-party platform (pushing to instance a's events URL), and two
 * gateway instances on the shared Redis under a fresh prefix, each with the
 * three merchants: own app, service provider, platform.
 */
export function useWechatModes(
  adapter: HttpAdapterName,
  override: Partial<AssistModuleOptions> = {},
): WechatModesFixture {
  let sim: RunningSimulator | undefined;
  let a: RunningGateway | undefined;
  let b: RunningGateway | undefined;
  const logs = new LogCapture();
  beforeAll(async () => {
    sim = await startSimulatorServer({
      apps: [DEMO_WECHAT_APP, SP_APP],
      component: { ...COMPONENT, authorizers: [COMPONENT_ACCOUNT] },
    });
    const options: Partial<AssistModuleOptions> = {
      merchants: [OWN_MERCHANT, SP_MERCHANT, COMPONENT_MERCHANT],
      wechatServiceProvider: SP_APP,
      wechatComponent: COMPONENT,
      redisUrl: SHARED_REDIS_URL,
      redisKeyPrefix: uniquePrefix('wx-modes'),
      ...override,
    };
    a = await startGateway({ adapter, wechatBase: sim.baseUrl, logger: logs, override: options });
    b = await startGateway({ adapter, wechatBase: sim.baseUrl, logger: logs, override: options });
    sim.component?.setPushUrl(`${a.baseUrl}/unipay/assist/wechat/component/events`);
  }, 30_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await sim?.close();
  });
  const need = <T>(v: T | undefined, what: string): T => {
    if (!v) throw new Error(`${what} is not running`);
    return v;
  };
  return {
    get sim() {
      return need(sim, 'the simulator');
    },
    get component() {
      return need(sim?.component, 'the platform simulator');
    },
    get a() {
      return need(a, 'gateway a');
    },
    get b() {
      return need(b, 'gateway b');
    },
    logs,
  };
}
