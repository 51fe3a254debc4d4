import { IncomingMessage, ServerResponse } from 'node:http';
import { adminJson, readAdminJson } from './sim-admin-http';
import { AlipaySimulator } from './alipay-simulator';
import { isAlipaySimFaultKind, normalizeAlipayFault } from './alipay-sim-faults';
import { normalizeFault, SimFaultError } from './sim-faults';

export const ALIPAY_SIM_ADMIN_PREFIX = '/__sim/';

/**
 * The Alipay simulator's admin API, on its own server only:
 *   GET    /__sim/stats   counters and standing faults
 *   POST   /__sim/faults  add a rule or an array: shared kinds (sim-faults.ts) or Alipay kinds (alipay-sim-faults.ts)
 *   DELETE /__sim/faults  clear faults
 *   POST   /__sim/reset   clear faults and zero the counters
 *   POST   /__sim/codes   issue an auth code as if the payer authorised: {"app_id","user"?,"scope"?}
 * Keys are not served: a private key never crosses HTTP, even a simulated one.
 */
export function handleAlipaySimulatorAdmin(sim: AlipaySimulator, req: IncomingMessage, res: ServerResponse): boolean {
  const path = new URL(req.url ?? '/', 'http://simulator.invalid').pathname;
  if (!path.startsWith(ALIPAY_SIM_ADMIN_PREFIX)) return false;
  const route = `${req.method ?? 'GET'} ${path.slice(ALIPAY_SIM_ADMIN_PREFIX.length)}`;
  switch (route) {
    case 'GET stats':
      adminJson(res, 200, alipaySimulatorStats(sim));
      return true;
    case 'DELETE faults':
      sim.faults.clear();
      sim.alipayFaults.clear();
      adminJson(res, 200, alipaySimulatorStats(sim));
      return true;
    case 'POST reset':
      sim.reset();
      adminJson(res, 200, alipaySimulatorStats(sim));
      return true;
    case 'POST faults':
      readAdminJson(req, res, (body) => {
        const list: unknown[] = Array.isArray(body) ? body : [body];
        // Validate all before adding any, so a bad rule in an array adds nothing.
        const rules = list.map((f) => {
          const kind = (f as { kind?: unknown } | null)?.kind;
          return isAlipaySimFaultKind(kind) ? { alipay: normalizeAlipayFault(f) } : { shared: normalizeFault(f) };
        });
        for (const r of rules) {
          if (r.alipay) sim.alipayFaults.add([r.alipay]);
          if (r.shared) sim.faults.add([r.shared]);
        }
        adminJson(res, 200, alipaySimulatorStats(sim));
      });
      return true;
    case 'POST codes':
      readAdminJson(req, res, (body) => {
        const b = (body ?? {}) as Record<string, unknown>;
        if (typeof b.app_id !== 'string' || !b.app_id) throw new SimFaultError('app_id is required');
        const user = typeof b.user === 'string' && b.user ? b.user : undefined;
        const scope = b.scope === 'auth_user' ? 'auth_user' : 'auth_base';
        adminJson(res, 200, { auth_code: sim.issueAuthCode(b.app_id, user, scope) });
      });
      return true;
    default:
      adminJson(res, 404, { error: 'unknown simulator admin route' });
      return true;
  }
}

export function alipaySimulatorStats(sim: AlipaySimulator): object {
  return {
    exchanges: sim.exchanges,
    authorizations: sim.authorizations,
    faultsInjected: sim.faults.injected + sim.alipayFaults.injected,
    faults: [...sim.faults.list(), ...sim.alipayFaults.list()],
  };
}
