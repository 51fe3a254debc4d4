import { IncomingMessage, ServerResponse } from 'node:http';
import { MiniProgramSimulator } from './mini-program-simulator';
import { adminJson, handleFaultAdminRoute, readAdminJson } from './sim-admin-http';
import { SimFaultError } from './sim-faults';

export const MINI_SIM_ADMIN_PREFIX = '/__sim/mini/';

/**
 * The mini program's admin API, on the WeChat simulator's server next to /__sim/:
 *   POST   /__sim/mini/codes   what wx.login would give: {"appid","user"?} → {"code"}
 *   GET    /__sim/mini/stats   counters and standing faults of jscode2session
 *   POST   /__sim/mini/faults  add a rule or an array (sim-faults.ts kinds)
 *   DELETE /__sim/mini/faults  clear faults
 *   POST   /__sim/mini/reset   clear faults and zero the counters
 * False for any other path.
 */
export function handleMiniProgramAdmin(
  sim: MiniProgramSimulator,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): boolean {
  if (!url.pathname.startsWith(MINI_SIM_ADMIN_PREFIX)) return false;
  const route = `${req.method ?? 'GET'} ${url.pathname.slice(MINI_SIM_ADMIN_PREFIX.length)}`;
  if (handleFaultAdminRoute(route, sim, () => miniProgramStats(sim), req, res)) return true;
  switch (route) {
    case 'POST codes':
      readAdminJson(req, res, (body) => {
        const b = (body ?? {}) as Record<string, unknown>;
        if (typeof b.appid !== 'string' || !b.appid) throw new SimFaultError('appid is required');
        const user = typeof b.user === 'string' && b.user ? b.user : undefined;
        let code: string;
        try {
          code = sim.issueLoginCode(b.appid, user);
        } catch (err) {
          throw new SimFaultError((err as Error).message);
        }
        adminJson(res, 200, { code });
      });
      return true;
    default:
      adminJson(res, 404, { error: 'unknown mini program simulator admin route' });
      return true;
  }
}

export function miniProgramStats(sim: MiniProgramSimulator): object {
  return {
    exchanges: sim.exchanges,
    logins: sim.logins,
    faultsInjected: sim.faults.injected,
    faults: sim.faults.list(),
  };
}
