/** `unipay/assist`, `/unipay/assist/` → `/unipay/assist`. */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '' : `/${trimmed}`;
}

/**
 * Where the module's routes can be: its prefix, and the same under the host's
 * global prefix when the host did not exclude them. Anchored at the start of
 * the path, so a host route such as `/x/unipay/assist/y` is never taken for ours.
 */
export function mountedPaths(routePrefix: string, globalPrefix = ''): string[] {
  const own = normalizePrefix(routePrefix);
  const global = normalizePrefix(globalPrefix);
  return global ? [own, `${global}${own}`] : [own];
}

/** True when `path` (no query) is the prefix itself or below it. */
export function isUnderPrefix(path: string, prefix: string): boolean {
  const p = normalizePrefix(prefix);
  return path === p || path.startsWith(`${p}/`);
}

/** The path of a request URL, without the query. */
export function pathOf(req: { url?: string; originalUrl?: string }): string {
  const url = req.originalUrl ?? req.url ?? '';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}
