import { AssistException } from '../kernel/assist.exception';

/**
 * The query of a request URL as name → value, read from the raw URL so
 * Express (qs or not) and Fastify agree: no nesting (`a[b]=c` is just a name),
 * and a name given twice is refused rather than guessed at (10006).
 */
export function readQuery(req: { url?: string; originalUrl?: string }): Record<string, string> {
  const url = req.originalUrl ?? req.url ?? '';
  const q = url.indexOf('?');
  const params = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const entries: [string, string][] = [];
  const seen = new Set<string>();
  for (const [name, value] of params) {
    if (seen.has(name)) throw AssistException.invalidField(name, 'is given more than once');
    seen.add(name);
    entries.push([name, value]);
  }
  // fromEntries defines own properties: a `__proto__` name stays a plain field.
  return Object.fromEntries(entries);
}
