import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { AddressInfo } from 'node:net';
import { AssistModule, AssistModuleOptions } from 'unipay-assist';
import { createBareRelay, createGateway } from './app.js';
import type { AdapterName, FilterMode, GatewayReady, RelayMode } from './gateway-settings.js';
import { MCH_NO, REDIRECT_HOST, SIGN_SECRET, WECHAT_APP } from './gateway-settings.js';
import { Public, SkipWrap } from './host-kit.js';
import { OrderStatusController } from './order-status.controller.js';

/** A setting from the environment: the e2e starts this process with its knobs and the simulator's address. */
function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

const adapter = env('GATEWAY_ADAPTER') as AdapterName;
const filter = env('GATEWAY_FILTER') as FilterMode;
const relay = env('GATEWAY_RELAY') as RelayMode;
const options: AssistModuleOptions = {
  merchants: [
    {
      mchNo: MCH_NO,
      wechat: WECHAT_APP,
      signType: 'HMAC_SHA256',
      signSecret: SIGN_SECRET,
      redirectHosts: [REDIRECT_HOST],
    },
  ],
  wechat: { apiBase: env('WECHAT_BASE'), openBase: env('WECHAT_BASE') },
};

async function create(): Promise<INestApplication> {
  if (relay === 'bare') return createBareRelay(adapter, AssistModule.forRoot(options));
  if (relay === 'none') return createGateway({ adapter, filter });
  // The gateway's guard and wrapper let the relay's routes be, by the gateway's own markers.
  return createGateway({
    adapter,
    filter,
    imports: [AssistModule.forRoot({ ...options, controllerDecorators: [Public(), SkipWrap()] })],
    controllers: [OrderStatusController],
  });
}

// The gateway as it runs in production: plain Node, ES modules, NestJS 12.
const app = await create();
app.enableShutdownHooks();
await app.listen(0, '127.0.0.1');
const { port } = app.getHttpServer().address() as AddressInfo;
const ready: GatewayReady = {
  listening: `http://127.0.0.1:${port}`,
  assist: import.meta.resolve('unipay-assist'),
  adapter: app.getHttpAdapter().getType(),
};
console.log(JSON.stringify(ready));
