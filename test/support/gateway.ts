import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { createDemoApp, DemoAppOptions, HttpAdapterName } from '../../src/demo/create-demo-app';
import { DEMO_MERCHANT, DEMO_WECHAT_APP } from '../../src/demo/demo-merchant';
import { startSimulatorServer, RunningSimulator } from '../../src/simulator/simulator.server';
import { SignType } from '../../src/signing/sign-type';
import { withSign } from '../../src/signing/signature';

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

/** POSTs a body (an object is JSON-encoded, a string is sent as is) to `/unipay/assist/<route>`. */
export async function post(
  baseUrl: string,
  route: string,
  body: unknown,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<Answer> {
  const res = await fetch(`${baseUrl}/unipay/assist/${route}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', json, text };
}

/** Follows an authorize URL to the simulator and returns the code it redirects with. */
export async function codeFrom(authorizeUrl: string): Promise<string> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`simulator answered ${res.status}`);
  return new URL(location).searchParams.get('code')!;
}
