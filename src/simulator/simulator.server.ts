import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { handleSimulatorAdmin } from './simulator-admin';
import { WechatSimulator, WechatSimulatorOptions } from './wechat-simulator';

export interface RunningSimulator {
  simulator: WechatSimulator;
  server: Server;
  /** e.g. `http://127.0.0.1:9100`: use it as both WECHAT_API_BASE and WECHAT_OPEN_BASE. */
  baseUrl: string;
  close(): Promise<void>;
}

/** Starts the simulator on its own HTTP server (port 0 picks a free one). */
export async function startSimulatorServer(
  options: WechatSimulatorOptions & { port?: number; host?: string },
): Promise<RunningSimulator> {
  const simulator = new WechatSimulator(options);
  const server = createServer((req, res) => {
    // The admin API lives on this server only, never in the relay module.
    if (!handleSimulatorAdmin(simulator, req, res) && !simulator.handle(req, res)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not a WeChat OAuth path');
    }
  });
  server.keepAliveTimeout = 65_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    simulator,
    server,
    baseUrl: `http://${urlHost}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
