import { createServer, Server } from 'node:http';
import { DouyinSimulator, DouyinSimulatorOptions } from './douyin-simulator';
import { adminJson, handleFaultAdminRoute, readAdminJson } from './sim-admin-http';
import { SimFaultError } from './sim-faults';
import { listenSimulator } from './sim-server-listen';

export interface RunningDouyinSimulator {
  simulator: DouyinSimulator;
  server: Server;
  /** Both DOUYIN_API_BASE and DOUYIN_AUTH_BASE. */
  baseUrl: string;
  close(): Promise<void>;
}

const ADMIN_PREFIX = '/__sim/douyin/';

/**
 * Douyin's OAuth on its own loopback server (its own host, as Douyin is),
 * with an admin API: GET stats, POST/DELETE faults, POST reset, and
 * POST codes {"clientKey","user"?} for a code as silent_auth would give it.
 */
export async function startDouyinSimulator(
  options: DouyinSimulatorOptions & { port?: number; host?: string },
): Promise<RunningDouyinSimulator> {
  const simulator = new DouyinSimulator(options);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    if (url.pathname.startsWith(ADMIN_PREFIX)) {
      const route = `${req.method ?? 'GET'} ${url.pathname.slice(ADMIN_PREFIX.length)}`;
      const stats = (): object => ({
        exchanges: simulator.exchanges,
        authorizations: simulator.authorizations,
        faultsInjected: simulator.faults.injected,
        faults: simulator.faults.list(),
      });
      if (handleFaultAdminRoute(route, simulator, stats, req, res)) return;
      if (route === 'POST codes') {
        readAdminJson(req, res, (body) => {
          const b = (body ?? {}) as Record<string, unknown>;
          if (typeof b.clientKey !== 'string' || !b.clientKey) throw new SimFaultError('clientKey is required');
          adminJson(res, 200, {
            code: simulator.issueCode(b.clientKey, typeof b.user === 'string' && b.user ? b.user : undefined),
          });
        });
        return;
      }
      adminJson(res, 404, { error: 'unknown Douyin simulator admin route' });
      return;
    }
    if (!simulator.handle(req, res, url)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not a Douyin OAuth path');
    }
  });
  const listening = await listenSimulator(server, options.host ?? '127.0.0.1', options.port ?? 0);
  return { simulator, server, baseUrl: listening.baseUrl, close: () => listening.close() };
}
