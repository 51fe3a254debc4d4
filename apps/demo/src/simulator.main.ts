import { DEMO_WECHAT_APP } from './demo-merchant';
import { parseFaults } from '@unipay-assist/simulator';
import { SimulatedApp } from '@unipay-assist/simulator';
import { startSimulatorServer } from '@unipay-assist/simulator';

/**
 * `npm run simulator`: the WeChat OAuth simulator alone, for several gateway
 * instances to share. SIM_APPS=appid:secret,appid2:secret2 adds apps to the demo one.
 */
async function main(): Promise<void> {
  const apps: SimulatedApp[] = [DEMO_WECHAT_APP];
  for (const pair of (process.env.SIM_APPS ?? '').split(',').filter(Boolean)) {
    const [appId, appSecret] = pair.split(':');
    if (!appId || !appSecret) throw new Error('SIM_APPS must be appid:secret[,appid:secret...]');
    apps.push({ appId, appSecret });
  }
  const sim = await startSimulatorServer({
    apps,
    port: Number(process.env.PORT ?? 9100),
    host: process.env.HOST ?? '127.0.0.1',
    // e.g. SIM_FAULTS='busy*1,latency=6000@0.1'; see sim-faults.ts and POST /__sim/faults.
    faults: parseFaults(process.env.SIM_FAULTS),
  });
  console.log(`WeChat OAuth simulator on ${sim.baseUrl} (apps: ${apps.map((a) => a.appId).join(', ')})`);
  const standing = sim.simulator.faults.list();
  if (standing.length) console.log(`faults: ${JSON.stringify(standing)}`);
  const stop = (): void => void sim.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
