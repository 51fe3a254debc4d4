import type { SimFault } from '../../packages/simulator/src/sim-faults';
import type { SimulatorStats } from '../../packages/simulator/src/simulator-admin';

/** The simulator's admin API over HTTP (`/__sim/...`), the way an outside script or another process drives it. */
export interface SimAdmin {
  stats(): Promise<SimulatorStats>;
  /** Exchanges the simulator answered so far (every call counts, faulted or not). */
  exchanges(): Promise<number>;
  addFaults(faults: SimFault | SimFault[]): Promise<SimulatorStats>;
  clearFaults(): Promise<SimulatorStats>;
  /** Faults cleared and counters zeroed; issued codes stay valid. */
  reset(): Promise<SimulatorStats>;
  /** A code issued as if `user` had consented. */
  issueCode(appid: string, user?: string): Promise<string>;
}

export function simAdmin(baseUrl: string): SimAdmin {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${baseUrl}/__sim/${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as T & { error?: string };
    if (!res.ok) throw new Error(`simulator admin ${method} ${path}: HTTP ${res.status} ${json.error ?? ''}`);
    return json;
  };
  return {
    stats: () => call<SimulatorStats>('GET', 'stats'),
    exchanges: async () => (await call<SimulatorStats>('GET', 'stats')).exchanges,
    addFaults: (faults) => call<SimulatorStats>('POST', 'faults', faults),
    clearFaults: () => call<SimulatorStats>('DELETE', 'faults'),
    reset: () => call<SimulatorStats>('POST', 'reset'),
    issueCode: async (appid, user) => (await call<{ code: string }>('POST', 'codes', { appid, user })).code,
  };
}
