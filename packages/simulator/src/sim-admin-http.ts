import { IncomingMessage, ServerResponse } from 'node:http';
import { FaultPlan, normalizeFault, SimFaultError } from './sim-faults';

const MAX_ADMIN_BODY = 16 * 1024;

/**
 * Reads a small JSON admin body and hands it on; a SimFaultError thrown by
 * `then` answers 400 with its message, anything else "body must be JSON".
 */
export function readAdminJson(req: IncomingMessage, res: ServerResponse, then: (body: unknown) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_ADMIN_BODY) {
      adminJson(res, 413, { error: 'body too large' });
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
      adminJson(res, 400, { error: err instanceof SimFaultError ? err.message : 'body must be JSON' });
    }
  });
}

export function adminJson(res: ServerResponse, status: number, body: object): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** What the stats/faults/reset admin routes act on: one simulator's fault plan. */
export interface FaultAdminTarget {
  faults: FaultPlan;
  reset(): void;
}

/**
 * The admin routes every WeChat-side simulator has (`route` is `METHOD path`
 * below its prefix): GET stats, POST faults (a rule or an array), DELETE
 * faults, POST reset. False for any other route.
 */
export function handleFaultAdminRoute(
  route: string,
  target: FaultAdminTarget,
  stats: () => object,
  req: IncomingMessage,
  res: ServerResponse,
): boolean {
  switch (route) {
    case 'GET stats':
      adminJson(res, 200, stats());
      return true;
    case 'DELETE faults':
      target.faults.clear();
      adminJson(res, 200, stats());
      return true;
    case 'POST reset':
      target.reset();
      adminJson(res, 200, stats());
      return true;
    case 'POST faults':
      readAdminJson(req, res, (body) => {
        const list = Array.isArray(body) ? body : [body];
        target.faults.add(list.map(normalizeFault));
        adminJson(res, 200, stats());
      });
      return true;
    default:
      return false;
  }
}
