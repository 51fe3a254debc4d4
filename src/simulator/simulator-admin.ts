import { IncomingMessage, ServerResponse } from 'node:http';
import { normalizeFault, SimFaultError } from './sim-faults';
import { WechatSimulator } from './wechat-simulator';

export const SIM_ADMIN_PREFIX = '/__sim/';
const MAX_ADMIN_BODY = 16 * 1024;

/**
 * The simulator's own admin API, served only by its own server (never by the
 * relay module):
 *   GET    /__sim/stats   counters and standing faults
 *   POST   /__sim/faults  add a fault rule or an array of rules (JSON)
 *   DELETE /__sim/faults  clear faults
 *   POST   /__sim/reset   clear faults and zero the counters
 *   POST   /__sim/codes   issue a code as if the user consented: {"appid","user"?,"scope"?,"snapshot"?}
 * Returns false for any other path.
 */
export function handleSimulatorAdmin(sim: WechatSimulator, req: IncomingMessage, res: ServerResponse): boolean {
  const path = new URL(req.url ?? '/', 'http://simulator.invalid').pathname;
  if (!path.startsWith(SIM_ADMIN_PREFIX)) return false;
  const route = `${req.method ?? 'GET'} ${path.slice(SIM_ADMIN_PREFIX.length)}`;
  switch (route) {
    case 'GET stats':
      json(res, 200, stats(sim));
      return true;
    case 'DELETE faults':
      sim.faults.clear();
      json(res, 200, stats(sim));
      return true;
    case 'POST reset':
      sim.reset();
      json(res, 200, stats(sim));
      return true;
    case 'POST faults':
      readJson(req, res, (body) => {
        const list = Array.isArray(body) ? body : [body];
        sim.faults.add(list.map(normalizeFault));
        json(res, 200, stats(sim));
      });
      return true;
    case 'POST codes':
      readJson(req, res, (body) => {
        const b = (body ?? {}) as Record<string, unknown>;
        if (typeof b.appid !== 'string' || !b.appid) throw new SimFaultError('appid is required');
        const user = typeof b.user === 'string' && b.user ? b.user : undefined;
        const scope = b.scope === 'snsapi_userinfo' ? 'snsapi_userinfo' : 'snsapi_base';
        json(res, 200, { code: sim.issueCode(b.appid, user, scope, { snapshot: b.snapshot === true }) });
      });
      return true;
    default:
      json(res, 404, { error: 'unknown simulator admin route' });
      return true;
  }
}

export interface SimulatorStats {
  exchanges: number;
  authorizations: number;
  faultsInjected: number;
  faults: ReturnType<WechatSimulator['faults']['list']>;
}

export function stats(sim: WechatSimulator): SimulatorStats {
  return {
    exchanges: sim.exchanges,
    authorizations: sim.authorizations,
    faultsInjected: sim.faults.injected,
    faults: sim.faults.list(),
  };
}

function readJson(req: IncomingMessage, res: ServerResponse, then: (body: unknown) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_ADMIN_BODY) {
      json(res, 413, { error: 'body too large' });
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (res.headersSent) return;
    try {
      const text = Buffer.concat(chunks).toString('utf8');
      then(text.trim() ? JSON.parse(text) : undefined);
    } catch (err) {
      const msg = err instanceof SimFaultError ? err.message : 'body must be JSON';
      json(res, 400, { error: msg });
    }
  });
}

function json(res: ServerResponse, status: number, body: object): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
