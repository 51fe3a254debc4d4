import { domainToASCII } from 'node:url';

/**
 * The redirect allow-list of getWxAuthUrl, pure. A pattern is a host with an
 * optional port:
 * - `shop.example.com`    that host on the scheme's default port (80/443)
 * - `shop.example.com:8443`  that host on that port
 * - `localhost:*`         that host on any port
 * - `*.example.com`       any subdomain (any depth), not example.com itself
 * - `[::1]:*`             an IPv6 literal in brackets
 * Hosts compare after the WHATWG URL parser's normalization (lowercase,
 * punycode for IDN), with one trailing dot ignored.
 */
export interface RedirectHostPattern {
  /** Lowercase ASCII host, without trailing dot; for a wildcard, the suffix after `*.`. */
  host: string;
  wildcard: boolean;
  /** A port number as a string, `*` for any, or '' for the scheme's default. */
  port: string;
}

export function parseRedirectHostPattern(pattern: string): RedirectHostPattern | undefined {
  let p = pattern.trim().toLowerCase();
  if (p === '' || /[\s/\\@?#]/.test(p)) return undefined;
  let port = '';
  if (p.startsWith('[')) {
    const end = p.indexOf(']');
    if (end < 0) return undefined;
    const rest = p.slice(end + 1);
    if (rest !== '' && !rest.startsWith(':')) return undefined;
    port = rest.slice(1);
    p = p.slice(0, end + 1);
  } else {
    const colon = p.lastIndexOf(':');
    if (colon >= 0) {
      port = p.slice(colon + 1);
      p = p.slice(0, colon);
    }
  }
  if (port !== '' && port !== '*' && !/^\d{1,5}$/.test(port)) return undefined;
  const wildcard = p.startsWith('*.');
  if (wildcard) p = p.slice(2);
  if (p.includes('*')) return undefined;
  const host = normalizeHost(p);
  if (!host) return undefined;
  return { host, wildcard, port: port === '' ? '' : port === '*' ? '*' : String(Number(port)) };
}

/** The host as the URL parser writes it (punycode, lowercase), without a trailing dot; undefined if invalid. */
function normalizeHost(host: string): string | undefined {
  if (host.startsWith('[')) {
    try {
      return new URL(`http://${host}/`).hostname;
    } catch {
      return undefined;
    }
  }
  const ascii = domainToASCII(host.replace(/\.$/, ''));
  return ascii === '' ? undefined : ascii;
}

/**
 * `url` on success: the URL as the check parsed it (WHATWG-normalised: scheme and host lower-cased,
 * dot segments resolved, default port dropped). That form, not the merchant's text, goes to WeChat
 * and Alipay, so what was checked is what is sent.
 */
export type RedirectCheck = { ok: true; url: string } | { ok: false; reason: string };

/**
 * Whether `url` may be used as redirect_uri. Rejects what parsers disagree
 * on (userinfo, backslashes, control characters) before matching, so WeChat
 * and this check cannot read two different hosts out of one string.
 * An empty or absent list allows nothing.
 */
export function checkRedirectUrl(url: string, patterns: readonly string[] | undefined): RedirectCheck {
  if (!patterns || patterns.length === 0) {
    return { ok: false, reason: 'the merchant has no redirectHosts configured, so no redirect URL is allowed' };
  }
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u0020\u007f]/.test(url))
    return { ok: false, reason: 'url contains a backslash, space or control character' };
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, reason: 'url is not an absolute URL' };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { ok: false, reason: 'url must be http or https' };
  if (u.username !== '' || u.password !== '' || /^[a-z]+:\/\/[^/]*@/i.test(url)) {
    return { ok: false, reason: 'url must not contain user information (user@host)' };
  }
  const host = u.hostname.replace(/\.$/, '');
  for (const raw of patterns) {
    const p = parsedPattern(raw);
    if (p && hostMatches(p, host) && portMatches(p, u.port)) return { ok: true, url: u.href };
  }
  return { ok: false, reason: `host ${u.host} is not on the merchant's redirect allow-list` };
}

/** Patterns as parsed, by their text: a merchant's allow-list is checked on every getWxAuthUrl, parsed once. */
const parsedPatterns = new Map<string, RedirectHostPattern | undefined>();

function parsedPattern(raw: string): RedirectHostPattern | undefined {
  if (parsedPatterns.has(raw)) return parsedPatterns.get(raw);
  // Bounded: patterns come from configuration, but a host's store may change them over time.
  if (parsedPatterns.size >= 4096) parsedPatterns.clear();
  const parsed = parseRedirectHostPattern(raw);
  parsedPatterns.set(raw, parsed);
  return parsed;
}

function hostMatches(p: RedirectHostPattern, host: string): boolean {
  if (!p.wildcard) return host === p.host;
  return host.length > p.host.length + 1 && host.endsWith(`.${p.host}`);
}

function portMatches(p: RedirectHostPattern, port: string): boolean {
  // URL.port is '' for the scheme's default port.
  return p.port === '*' || p.port === port;
}
