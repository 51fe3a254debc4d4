import { IncomingMessage, ServerResponse } from 'node:http';
import { adminJson, handleFaultAdminRoute, readAdminJson } from './sim-admin-http';
import { SimFaultError } from './sim-faults';
import { WechatSimulator } from './wechat-simulator';

export const SIM_ADMIN_PREFIX = '/__sim/';

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
  if (handleFaultAdminRoute(route, sim, () => stats(sim), req, res)) return true;
  switch (route) {
    case 'POST codes':
      readAdminJson(req, res, (body) => {
        const b = (body ?? {}) as Record<string, unknown>;
        if (typeof b.appid !== 'string' || !b.appid) throw new SimFaultError('appid is required');
        const user = typeof b.user === 'string' && b.user ? b.user : undefined;
        const scope = b.scope === 'snsapi_userinfo' ? 'snsapi_userinfo' : 'snsapi_base';
        adminJson(res, 200, { code: sim.issueCode(b.appid, user, scope, { snapshot: b.snapshot === true }) });
      });
      return true;
    default:
      adminJson(res, 404, { error: 'unknown simulator admin route' });
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
