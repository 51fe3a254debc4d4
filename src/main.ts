import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { Server } from 'node:http';
import { createDemoApp, parseAdapterName } from './demo/create-demo-app';
import { DEMO_WECHAT_APP } from './demo/demo-merchant';
import { merchantsFromEnv } from './merchants/merchants-from-env';
import { normalizeMerchants } from './merchants/normalize-merchant';
import { parseFaults } from './simulator/sim-faults';
import { startSimulatorServer } from './simulator/simulator.server';

/**
 * The demo unipay gateway. With no WECHAT_API_BASE / WECHAT_OPEN_BASE it
 * embeds the WeChat OAuth simulator, so the flow works with no WeChat account.
 */
async function bootstrap(): Promise<void> {
  const log = new Logger('UnipayDemo');
  const port = Number(process.env.PORT ?? 9000);
  const host = process.env.HOST ?? '127.0.0.1';
  const adapter = parseAdapterName(process.env.HTTP_ADAPTER);
  const embedSimulator = !process.env.WECHAT_API_BASE && !process.env.WECHAT_OPEN_BASE;
  // Check ASSIST_* merchants before Nest starts: Nest would log the same error with a stack and exit first.
  const envMerchants = merchantsFromEnv(process.env);
  if (envMerchants.length > 0) normalizeMerchants(envMerchants);

  // Logged once the app's (JSON) logger is in place.
  const notes: string[] = [];
  let wechatBase: string | undefined;
  let closeSimulator = async (): Promise<void> => undefined;
  if (embedSimulator) {
    const sim = await startSimulatorServer({
      apps: [DEMO_WECHAT_APP],
      host,
      port: process.env.SIM_PORT ? Number(process.env.SIM_PORT) : 0,
      // Same fault settings as `npm run simulator`; also POST <sim>/__sim/faults.
      faults: parseFaults(process.env.SIM_FAULTS),
    });
    wechatBase = sim.baseUrl;
    closeSimulator = sim.close;
    notes.push(`WeChat OAuth simulator embedded at ${sim.baseUrl} (no real WeChat is called)`);
  } else {
    notes.push(
      `WeChat: API ${process.env.WECHAT_API_BASE ?? 'https://api.weixin.qq.com'}, ` +
        `authorize ${process.env.WECHAT_OPEN_BASE ?? 'https://open.weixin.qq.com'}`,
    );
  }

  // JSON lines through nestjs-pino (pretty on a terminal); LOG_FORMAT=text keeps Nest's console logger.
  const app = await createDemoApp({
    adapter,
    wechatBase,
    structuredLogs: process.env.LOG_FORMAT !== 'text',
    processMetrics: true,
  });
  for (const note of notes) log.log(note);
  await app.listen(port, host);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  log.log(`unipay assist demo (${adapter}) on http://${urlHost}:${port}/unipay/assist`);
  log.log(`demo page of the whole OAuth flow: http://${urlHost}:${port}/`);
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
