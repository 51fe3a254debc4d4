import { createServer, Server } from 'node:http';
import { listenSimulator } from './sim-server-listen';
import { handleAlipaySimulatorAdmin } from './alipay-simulator-admin';
import { AlipayAppKeys, AlipaySimulator, AlipaySimulatorOptions, ALIPAY_SIM_GATEWAY_PATH } from './alipay-simulator';

export interface RunningAlipaySimulator {
  simulator: AlipaySimulator;
  server: Server;
  /** e.g. `http://127.0.0.1:9200`. */
  baseUrl: string;
  /** The authorize page's base, in place of Alipay's openauth host: `baseUrl`. */
  openAuthBase: string;
  /** The gateway URL, in place of Alipay's: `baseUrl + /gateway.do`. */
  gateway: string;
  /** The keys a merchant configures for a simulated app (app private key, Alipay public key). */
  appKeys(appId: string): AlipayAppKeys;
  close(): Promise<void>;
}

/** Makes the keys, then serves the Alipay simulator on its own HTTP server (port 0 picks a free one). */
export async function startAlipaySimulator(
  options: AlipaySimulatorOptions & { port?: number; host?: string },
): Promise<RunningAlipaySimulator> {
  const simulator = await AlipaySimulator.create(options);
  const server = createServer((req, res) => {
    // The admin API lives on this server only, never in the relay module.
    if (!handleAlipaySimulatorAdmin(simulator, req, res) && !simulator.handle(req, res)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not an Alipay path');
    }
  });
  const listening = await listenSimulator(server, options.host ?? '127.0.0.1', options.port ?? 0);
  const { baseUrl } = listening;
  return {
    simulator,
    server,
    baseUrl,
    openAuthBase: baseUrl,
    gateway: `${baseUrl}${ALIPAY_SIM_GATEWAY_PATH}`,
    appKeys: (appId) => simulator.appKeys(appId),
    close: () => listening.close(),
  };
}
