import { ServerResponse } from 'node:http';

/** The redirect_uri of an authorize request, when it is an absolute http(s) URL. */
export function parseRedirect(value: string | null): URL | undefined {
  if (!value) return undefined;
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : undefined;
  } catch {
    return undefined;
  }
}

/** An HTML answer (a consent screen, an error page). */
export function html(res: ServerResponse, body: string, status = 200): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** The error page an authorize request gets, as `<title>` says which simulator. `message` is the simulator's own text. */
export function errorPage(res: ServerResponse, title: string, status: number, message: string): void {
  html(res, `<!doctype html><meta charset="utf-8"><title>${title}</title><p>${message}</p>`, status);
}
