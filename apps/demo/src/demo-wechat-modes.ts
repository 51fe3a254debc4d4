import type { ComponentSimulatorOptions, RunningSimulator, SimulatedApp } from '@unipay-assist/simulator';
import type { AssistModuleOptions, MerchantInput } from 'unipay-assist';
import { DEMO_MERCHANT } from './demo-merchant';

/**
 * The demo's service-provider app and third-party platform, with one
 * merchant each, beside the demo merchant: public values for a local
 * try-out, served by the embedded WeChat simulator (docs/channels.md).
 */
export const DEMO_SP_APP: SimulatedApp = { appId: 'wx0demo0provider01', appSecret: 'demo-provider-secret-not-real' };

export const DEMO_COMPONENT: Omit<ComponentSimulatorOptions, 'authorizers'> = {
  appId: 'wx0demo0platform01',
  appSecret: 'demo-platform-secret-not-real',
  token: 'demoPlatformToken',
  encodingAesKey: 'demoPlatformEncodingAesKey0123456789abcdefg',
};

/** The official account that authorized the demo platform (its AppSecret is nowhere). */
export const DEMO_COMPONENT_ACCOUNT = 'wx0demo0viaplatf01';

/** A small merchant behind the service provider: no official account of its own. */
export const DEMO_SP_MERCHANT: MerchantInput = {
  ...DEMO_MERCHANT,
  mchNo: 'M1000000011',
  appId: 'A1000000011',
  miniProgram: undefined,
  wechat: { serviceProvider: true },
};

/** A merchant whose own official account is operated through the platform. */
export const DEMO_COMPONENT_MERCHANT: MerchantInput = {
  ...DEMO_MERCHANT,
  mchNo: 'M1000000012',
  appId: 'A1000000012',
  miniProgram: undefined,
  wechat: { appId: DEMO_COMPONENT_ACCOUNT, viaComponent: true },
};

/** What the embedded simulator needs for the two modes. */
export const DEMO_MODES_SIMULATOR = {
  apps: [DEMO_SP_APP],
  component: { ...DEMO_COMPONENT, authorizers: [DEMO_COMPONENT_ACCOUNT] },
};

/** The module options of the two modes, for the demo's own merchants. */
export const DEMO_MODES_OPTIONS: Pick<AssistModuleOptions, 'wechatServiceProvider' | 'wechatComponent'> = {
  wechatServiceProvider: DEMO_SP_APP,
  wechatComponent: DEMO_COMPONENT,
};

/**
 * Once the gateway listens: the simulated platform pushes a ticket to its
 * events URL now and every 10 minutes, as WeChat does. The first push's
 * answer ('success', or the refusal envelope) is returned for the log.
 */
export async function startDemoTicketPushes(
  sim: RunningSimulator,
  gatewayBase: string,
  routePrefix = 'unipay/assist',
): Promise<string> {
  if (!sim.component) return 'no platform simulated';
  sim.component.setPushUrl(`${gatewayBase}/${routePrefix}/wechat/component/events`);
  sim.component.schedule(10 * 60_000);
  const first = await sim.component.pushTicket();
  return first.body;
}
