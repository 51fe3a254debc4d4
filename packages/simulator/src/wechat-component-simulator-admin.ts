import { IncomingMessage, ServerResponse } from 'node:http';
import { adminJson, handleFaultAdminRoute, readAdminJson } from './sim-admin-http';
import { SimFaultError } from './sim-faults';
import { ComponentPlatformSimulator } from './wechat-component-simulator';

export const COMPONENT_SIM_ADMIN_PREFIX = '/__sim/component/';

/**
 * The third-party platform's admin API, on the WeChat simulator's server:
 *   POST   /__sim/component/push-url  {"url"}: where tickets and events go
 *   POST   /__sim/component/push      push now: {} a new ticket, or {"infoType","authorizerAppid"}
 *                                      (authorized / updateauthorized / unauthorized); {"tamper":
 *                                      "signature"|"stale"|"appid"} sends a forgery. → {"status","body"}
 *   POST   /__sim/component/schedule  {"intervalMs"}: push a new ticket that often (0 stops)
 *   POST   /__sim/component/expire-tokens  every issued component_access_token stops working
 *   GET    /__sim/component/stats     counters and standing faults of api_component_token
 *   POST   /__sim/component/faults    faults for api_component_token (sim-faults.ts kinds)
 *   DELETE /__sim/component/faults, POST /__sim/component/reset
 * False for any other path.
 */
export function handleComponentAdmin(
  sim: ComponentPlatformSimulator | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): boolean {
  if (!url.pathname.startsWith(COMPONENT_SIM_ADMIN_PREFIX)) return false;
  if (!sim) {
    adminJson(res, 404, { error: 'no third-party platform is simulated (start the simulator with `component`)' });
    return true;
  }
  const route = `${req.method ?? 'GET'} ${url.pathname.slice(COMPONENT_SIM_ADMIN_PREFIX.length)}`;
  const target = { faults: sim.faults, reset: () => componentReset(sim) };
  if (handleFaultAdminRoute(route, target, () => componentStats(sim), req, res)) return true;
  switch (route) {
    case 'POST push-url':
      readAdminJson(req, res, (body) => {
        const b = (body ?? {}) as Record<string, unknown>;
        if (typeof b.url !== 'string' || !/^https?:\/\//.test(b.url))
          throw new SimFaultError('url must be an http(s) URL');
        sim.setPushUrl(b.url);
        adminJson(res, 200, { url: b.url });
      });
      return true;
    case 'POST push':
      readAdminJson(req, res, (body) => {
        const b = (body ?? {}) as Record<string, unknown>;
        const tamper = b.tamper === 'signature' || b.tamper === 'stale' || b.tamper === 'appid' ? b.tamper : undefined;
        const infoType = typeof b.infoType === 'string' && b.infoType ? b.infoType : 'component_verify_ticket';
        const push =
          infoType === 'component_verify_ticket' && !tamper
            ? sim.pushTicket()
            : sim.pushEvent(
                infoType,
                infoType === 'component_verify_ticket'
                  ? { ComponentVerifyTicket: 'forged-ticket' }
                  : { AuthorizerAppid: typeof b.authorizerAppid === 'string' ? b.authorizerAppid : '' },
                undefined,
                tamper,
              );
        push.then(
          (result) => adminJson(res, 200, result),
          (err: Error) => adminJson(res, 502, { error: err.message }),
        );
      });
      return true;
    case 'POST schedule':
      readAdminJson(req, res, (body) => {
        const ms = Number((body as Record<string, unknown> | undefined)?.intervalMs ?? 0);
        if (!Number.isSafeInteger(ms) || ms < 0)
          throw new SimFaultError('intervalMs must be a whole number of ms (0 stops)');
        sim.schedule(ms);
        adminJson(res, 200, { intervalMs: ms });
      });
      return true;
    case 'POST expire-tokens':
      sim.expireTokens();
      adminJson(res, 200, { expired: true });
      return true;
    default:
      adminJson(res, 404, { error: 'unknown component simulator admin route' });
      return true;
  }
}

function componentReset(sim: ComponentPlatformSimulator): void {
  sim.tokenRequests = 0;
  sim.exchanges = 0;
  sim.pushes = 0;
  sim.faults.clear();
  sim.faults.injected = 0;
}

export function componentStats(sim: ComponentPlatformSimulator): object {
  return {
    tokenRequests: sim.tokenRequests,
    exchanges: sim.exchanges,
    pushes: sim.pushes,
    hasTicket: sim.currentTicket !== undefined,
    faultsInjected: sim.faults.injected,
    faults: sim.faults.list(),
  };
}
