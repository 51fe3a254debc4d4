/** `unipay/assist`, `/unipay/assist/` → `/unipay/assist`. */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '' : `/${trimmed}`;
}

/**
 * Where the module's routes are: under the host's global prefix, unless the
 * host excluded them from it (`isExcluded` asks the host's exclude list about
 * a path under the module's prefix). One path only, anchored at the start, so
 * a host path such as `/x/unipay/assist/y`, or `/unipay/assist/y` while the
 * routes live under `/api`, stays the host's (its 404, its filter).
 */
export function mountedPaths(
  routePrefix: string,
  globalPrefix = '',
  isExcluded: (path: string) => boolean = () => false,
): string[] {
  const own = normalizePrefix(routePrefix);
  const global = normalizePrefix(globalPrefix);
  if (!global || isExcluded(`${own}/_`)) return [own];
  return [`${global}${own}`];
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
