import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDemoApp, parseAdapterName } from './create-demo-app';
import { DEMO_OPEN_MERCHANT, makeDemoOpenKeys } from './demo-open';
import { DemoModuleOptions } from './demo.module';
import { DEMO_ALIPAY_APP_ID, DEMO_MINI_PROGRAM, DEMO_WECHAT_APP } from './demo-merchant';
import { merchantsFromEnv } from 'unipay-assist';
import { normalizeMerchants } from 'unipay-assist';
import { parseFaults } from '@unipay-assist/simulator';
import { startSimulatorServer } from '@unipay-assist/simulator';
import type { RunningSimulator } from '@unipay-assist/simulator';
import {
  DEMO_COMPONENT_MERCHANT,
  DEMO_MODES_SIMULATOR,
  DEMO_SP_MERCHANT,
  startDemoTicketPushes,
} from './demo-wechat-modes';
import { startAlipaySimulator } from '@unipay-assist/simulator';

/**
 * The demo unipay gateway. With no WECHAT_API_BASE / WECHAT_OPEN_BASE it
 * embeds the WeChat OAuth simulator, so the flow works with no WeChat account.
 */
async function bootstrap(): Promise<void> {
  const log = new Logger('UnipayDemo');
  const port = Number(process.env.PORT ?? 9000);
  const host = process.env.HOST ?? '127.0.0.1';
  const adapter = parseAdapterName(process.env.HTTP_ADAPTER);
  // The demo hosts WeChat's callback itself (hosted authorization, the /hosted page) unless told its public URL.
  process.env.ASSIST_PUBLIC_BASE_URL ||= `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const embedSimulator = !process.env.WECHAT_API_BASE && !process.env.WECHAT_OPEN_BASE;
  // Check ASSIST_* merchants before Nest starts: Nest would log the same error with a stack and exit first.
  const envMerchants = merchantsFromEnv(process.env);
  if (envMerchants.length > 0) normalizeMerchants(envMerchants);

  // Logged once the app's (JSON) logger is in place.
  const notes: string[] = [];
  let wechatBase: string | undefined;
  let closeSimulator = async (): Promise<void> => undefined;
  let embedded: RunningSimulator | undefined;
  if (embedSimulator) {
    const sim = await startSimulatorServer({
      // The demo merchant's app, and the service provider's app and third-party platform of the two extra demo merchants.
      ...DEMO_MODES_SIMULATOR,
      apps: [DEMO_WECHAT_APP, ...DEMO_MODES_SIMULATOR.apps],
      miniPrograms: [DEMO_MINI_PROGRAM],
      host,
      port: process.env.SIM_PORT ? Number(process.env.SIM_PORT) : 0,
      // Same fault settings as `npm run simulator`; also POST <sim>/__sim/faults.
      faults: parseFaults(process.env.SIM_FAULTS),
    });
    wechatBase = sim.baseUrl;
    embedded = sim;
    closeSimulator = () => sim.close();
    notes.push(`WeChat OAuth and mini program simulator embedded at ${sim.baseUrl} (no real WeChat is called)`);
  } else {
    notes.push(
      `WeChat: API ${process.env.WECHAT_API_BASE ?? 'https://api.weixin.qq.com'}, ` +
        `authorize ${process.env.WECHAT_OPEN_BASE ?? 'https://open.weixin.qq.com'}`,
    );
  }

  // The Alipay simulator, unless Alipay is configured: its keys go to the demo merchant in memory.
  let alipay: DemoModuleOptions['alipay'];
  if (!process.env.ALIPAY_GATEWAY && !process.env.ALIPAY_OPENAUTH_BASE) {
    const ali = await startAlipaySimulator({
      apps: [{ appId: DEMO_ALIPAY_APP_ID }],
      host,
      port: process.env.ALIPAY_SIM_PORT ? Number(process.env.ALIPAY_SIM_PORT) : 0,
    });
    const keys = ali.appKeys(DEMO_ALIPAY_APP_ID);
    alipay = {
      gateway: ali.gateway,
      openAuthBase: ali.openAuthBase,
      appPrivateKey: keys.appPrivateKey ?? '',
      alipayPublicKey: keys.alipayPublicKey,
    };
    const closeWechat = closeSimulator;
    closeSimulator = async () => {
      await closeWechat();
      await ali.close();
    };
    notes.push(`Alipay simulator embedded at ${ali.baseUrl} (RSA2 keys made at start; no real Alipay is called)`);
  }

  // The DaxPay Open demo merchant, unless merchants come from the environment: key pairs made now,
  // the merchant's private key and the platform's public key written where a client can use them.
  let open: DemoModuleOptions['open'];
  if (envMerchants.length === 0) {
    const keys = makeDemoOpenKeys(process.env.DEMO_KEYS_DIR || join(tmpdir(), `unipay-assist-demo-${port}`));
    open = { merchantPublicKey: keys.merchantPublicKey, platformPrivateKey: keys.platformPrivateKey };
    notes.push(
      `DaxPay Open demo merchant ${DEMO_OPEN_MERCHANT.mchNo} (app ${DEMO_OPEN_MERCHANT.appId}): RSA key pairs made at start; ` +
        `its private key is at ${keys.merchantPrivateKeyFile}, the platform public key at ${keys.platformPublicKeyFile}` +
        (process.env.ASSIST_PLATFORM_PRIVATE_KEY || process.env.ASSIST_PLATFORM_PRIVATE_KEY_FILE
          ? ' (the configured platform key signs instead)'
          : ''),
    );
    notes.push(
      `try it: UNIPAY_ASSIST_SERVER=http://${host.includes(':') ? `[${host}]` : host}:${port} UNIPAY_ASSIST_MCH_NO=${DEMO_OPEN_MERCHANT.mchNo} ` +
        `UNIPAY_ASSIST_PRIVATE_KEY_FILE=${keys.merchantPrivateKeyFile} UNIPAY_ASSIST_PLATFORM_PUBLIC_KEY_FILE=${keys.platformPublicKeyFile} npm run -s cli -- open-ping`,
    );
  }

  // JSON lines through nestjs-pino (pretty on a terminal); LOG_FORMAT=text keeps Nest's console logger.
  const app = await createDemoApp({
    adapter,
    wechatBase,
    wechatModes: embedded !== undefined,
    alipay,
    open,
    structuredLogs: process.env.LOG_FORMAT !== 'text',
    processMetrics: true,
  });
  for (const note of notes) log.log(note);
  await app.listen(port, host);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  log.log(`unipay assist demo (${adapter}) on http://${urlHost}:${port}/unipay/assist`);
  log.log(`demo page of the whole OAuth flow: http://${urlHost}:${port}/`);
  if (embedded && envMerchants.length === 0) {
    // The platform merchant answers 29320 until this first ticket is in.
    const pushed = await startDemoTicketPushes(embedded, `http://${urlHost}:${port}`).catch(
      (err: Error) => `failed: ${err.message}`,
    );
    log.log(
      `service-provider merchant ${DEMO_SP_MERCHANT.mchNo}, third-party platform merchant ${DEMO_COMPONENT_MERCHANT.mchNo}; first platform ticket push: ${pushed}`,
    );
  }
  // Graceful stop: no new connections, in-flight requests finish, then the
  // module's shutdown hooks (Redis quit), then exit 0. A stuck request cannot
  // hold the process past SHUTDOWN_TIMEOUT_MS (default 10 s): exit 1 then.
  const stop = (signal: NodeJS.Signals): void => {
    log.log(`${signal}: draining in-flight requests, then closing`);
    const limit = Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 10_000);
    setTimeout(() => {
      log.error(`still busy ${limit} ms after ${signal}: exiting`);
      process.exit(1);
    }, limit).unref();
    // A keep-alive connection whose request just finished would hold close() until the client drops it.
    const server = app.getHttpServer() as Server;
    setInterval(() => server.closeIdleConnections(), 100).unref();
    void app
      .close()
      .then(closeSimulator)
      .then(() => {
        log.log('closed');
        process.exit(0);
      })
      .catch((err: Error) => {
        log.error(`shutdown failed: ${err.message}`);
        process.exit(1);
      });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

bootstrap().catch((err: Error) => {
  // A configuration error names merchant and field; print it without a stack.
  console.error(err.name === 'MerchantConfigError' ? err.message : err);
  process.exit(1);
});
