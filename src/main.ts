import 'reflect-metadata';
import { Logger } from '@nestjs/common';
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
    log.log(`WeChat OAuth simulator embedded at ${sim.baseUrl} (no real WeChat is called)`);
  } else {
    log.log(
      `WeChat: API ${process.env.WECHAT_API_BASE ?? 'https://api.weixin.qq.com'}, ` +
        `authorize ${process.env.WECHAT_OPEN_BASE ?? 'https://open.weixin.qq.com'}`,
    );
  }

  const app = await createDemoApp({ adapter, wechatBase });
  app.enableShutdownHooks();
  await app.listen(port, host);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  log.log(`unipay assist demo (${adapter}) on http://${urlHost}:${port}/unipay/assist`);
  log.log(`demo page of the whole OAuth flow: http://${urlHost}:${port}/`);
  process.once('SIGTERM', () => void closeSimulator());
  process.once('SIGINT', () => void closeSimulator());
}

bootstrap().catch((err: Error) => {
  // A configuration error names merchant and field; print it without a stack.
  console.error(err.name === 'MerchantConfigError' ? err.message : err);
  process.exit(1);
});
