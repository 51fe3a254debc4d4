/**
 * axios's `proxy` option for the relay's calls to WeChat. Without one, axios
 * looks for HTTP(S)_PROXY / ALL_PROXY and Node's own env proxy support on
 * every request; with no such variable set at start there is nothing to find,
 * so `false` skips the lookups (about 1.5 % of the exchange route's CPU).
 * With one set, `undefined` leaves axios to apply it and NO_PROXY per request,
 * as before. Read once: a variable set after start is not seen.
 */
export function upstreamProxyOption(env: NodeJS.ProcessEnv = process.env): false | undefined {
  const names = ['http_proxy', 'https_proxy', 'all_proxy'];
  const anySet = names.some((n) => Boolean(env[n] || env[n.toUpperCase()])) || Boolean(env.NODE_USE_ENV_PROXY);
  return anySet ? undefined : false;
}
