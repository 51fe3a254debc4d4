import { request } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

/** The parsed JSON of a body, or undefined when it is not JSON. */
export function jsonOrUndefined(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * One HTTP request with exact bytes and headers (fetch would fix up
 * content-type, encoding and methods). Resolves with whatever comes back;
 * rejects only if the connection is dropped without an answer.
 */
export function rawRequest(
  baseUrl: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<RawAnswer> {
  const url = new URL(path, baseUrl);
  const body =
    options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body);
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (body && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length'))
    headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: jsonOrUndefined(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The properties every answer to hostile input must have. Returns a reason, or '' when it is fine. */
export function envelopeProblem(a: RawAnswer, opts: { allowSuccess?: boolean } = {}): string {
  if (a.status >= 500) return `HTTP ${a.status}`;
  if (a.status !== 200) return `HTTP ${a.status} (the envelope always answers 200)`;
  const j = a.json;
  if (typeof j !== 'object' || j === null) return `not JSON: ${a.text.slice(0, 80)}`;
  if (typeof j.code !== 'number' || typeof j.msg !== 'string' || !('data' in j) || typeof j.traceId !== 'string') {
    return `not an envelope: ${a.text.slice(0, 120)}`;
  }
  if (!opts.allowSuccess && j.code === 0) return 'accepted';
  if (j.code !== 0 && j.data !== null) return 'failure with data';
  if (j.code === 10001) return `internal error: ${j.msg}`;
  if (j.msg.trim() === '') return 'empty msg';
  if (/\bat .+\(.+:\d+:\d+\)|<html|stack|node_modules/i.test(a.text)) return 'leaks a stack trace or page';
  return '';
}
