import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { createDemoApp, DemoAppOptions, HttpAdapterName } from '../../apps/demo/src/create-demo-app';
import { DEMO_MERCHANT, DEMO_WECHAT_APP } from '../../apps/demo/src/demo-merchant';
import { startSimulatorServer, RunningSimulator } from '../../packages/simulator/src/simulator.server';
/** What startSimulatorServer takes: the WeChat apps and, optionally, mini programs and a third-party platform. */
type SimulatorServerOptions = Parameters<typeof startSimulatorServer>[0];
import { SignType } from '../../packages/wire/src/signing/sign-type';
import { withSign } from '../../packages/wire/src/signing/signature';
import { jsonOrUndefined } from './raw-http';

/** Both adapters: every e2e suite runs over each (`describe.each(ADAPTERS)`). */
export const ADAPTERS: HttpAdapterName[] = ['express', 'fastify'];

export const DEMO_SECRET = '123456';
export { DEMO_MERCHANT, DEMO_WECHAT_APP };

export interface RunningGateway {
  app: INestApplication;
  baseUrl: string;
  close(): Promise<void>;
}

/** The demo gateway on 127.0.0.1 and a free port. */
export async function startGateway(options: DemoAppOptions & { adapter: HttpAdapterName }): Promise<RunningGateway> {
  const app = await createDemoApp({ logger: false, ...options });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** A simulator knowing the demo WeChat app, on a free loopback port. */
export function startSimulator(): Promise<RunningSimulator> {
  return startSimulatorServer({ apps: [DEMO_WECHAT_APP] });
}

type GatewayOverride = NonNullable<DemoAppOptions['override']>;

export interface DemoGatewayOptions extends Omit<DemoAppOptions, 'adapter' | 'override'> {
  /** Options layered over the environment's; a function gets the running simulator (e.g. for `wechat.apiBase`). */
  override?: GatewayOverride | ((sim: RunningSimulator) => GatewayOverride);
  /** The simulator's options. Default: the demo WeChat app alone, as `startSimulator()`. */
  simulator?: SimulatorServerOptions;
}

/** A simulator and a gateway, running from `beforeAll` on. */
export interface GatewayFixture {
  /** The running simulator (from `beforeAll` on). */
  readonly sim: RunningSimulator;
  /** The running gateway (from `beforeAll` on). */
  readonly gw: RunningGateway;
}
export type DemoGateway = GatewayFixture;

/**
 * Registers, in the calling describe, a `beforeAll` that starts a simulator
 * (the demo WeChat app alone unless `simulator` says otherwise) and then a
 * gateway through `start`, and an `afterAll` that closes both.
 */
export function useGatewayFixture(
  start: (sim: RunningSimulator) => Promise<RunningGateway>,
  simulator?: SimulatorServerOptions,
): GatewayFixture {
  let sim: RunningSimulator | undefined;
  let gw: RunningGateway | undefined;
  beforeAll(async () => {
    sim = simulator ? await startSimulatorServer(simulator) : await startSimulator();
    gw = await start(sim);
  });
  afterAll(async () => {
    await gw?.close();
    await sim?.close();
  });
  return {
    get sim() {
      if (!sim) throw new Error('the simulator is not running (use it in a test or a later hook)');
      return sim;
    },
    get gw() {
      if (!gw) throw new Error('the gateway is not running (use it in a test or a later hook)');
      return gw;
    },
  };
}

/** The override of a fixture: options, or a function of the running simulator (e.g. for `wechat.apiBase`). */
export function resolveOverride<O>(
  override: O | ((sim: RunningSimulator) => O) | undefined,
  sim: RunningSimulator,
): O | undefined {
  return typeof override === 'function' ? (override as (sim: RunningSimulator) => O)(sim) : override;
}

/** The demo gateway with WeChat at a fresh simulator (unless `wechatBase` says otherwise): `useGatewayFixture` for the demo app. */
export function useDemoGateway(adapter: HttpAdapterName, options: DemoGatewayOptions = {}): GatewayFixture {
  const { simulator, override, ...gatewayOptions } = options;
  return useGatewayFixture((sim) => {
    const resolved = resolveOverride(override, sim);
    return startGateway({
      adapter,
      wechatBase: sim.baseUrl,
      ...gatewayOptions,
      ...(resolved && { override: resolved }),
    });
  }, simulator);
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** A request body with fresh reqTime and nonceStr, signed as a DaxPay client would. */
export function signedBody(
  fields: Record<string, unknown>,
  secret = DEMO_SECRET,
  signType: SignType = 'HMAC_SHA256',
): Record<string, unknown> {
  return withSign({ reqTime: nowSeconds(), nonceStr: randomBytes(8).toString('hex'), ...fields }, signType, secret);
}

export interface Answer {
  status: number;
  contentType: string;
  json: any;
  text: string;
}

/** One fetch of `<baseUrl><path>`, the body sent as is; the answer's JSON is undefined when it is not JSON. */
export async function request(
  baseUrl: string,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', json: jsonOrUndefined(text), text };
}

/** POSTs a body (an object is JSON-encoded, a string is sent as is) to `/unipay/assist/<route>`. */
export function post(
  baseUrl: string,
  route: string,
  body: unknown,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<Answer> {
  return request(
    baseUrl,
    'POST',
    `/unipay/assist/${route}`,
    typeof body === 'string' ? body : JSON.stringify(body),
    headers,
  );
}

/** Follows an authorize URL to the simulator and returns the code it redirects with. */
export async function codeFrom(authorizeUrl: string): Promise<string> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`simulator answered ${res.status}`);
  return new URL(location).searchParams.get('code')!;
}
