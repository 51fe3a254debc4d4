/**
 * Every Redis key the module writes is built here, so that the configured
 * prefix and the Cluster hash tag are applied in one place.
 *
 * Layout: `${prefix}${kind}:{${entity}}` or `${prefix}${kind}:{${entity}}:${part}`,
 * e.g. `unipay:assist:exchange:{3f9a…}:claim`,
 *      `unipay:assist:ratelimit:{default:203.0.113.9}:hits`.
 *
 * Where the hash tag goes (the decision): the tag is the logical entity, one
 * per rate-limit key, per exchange (code digest), per replayed request, per
 * channel-auth flow. Redis
 * Cluster hashes only the text between the first `{` and the next `}`, so
 * - every key of one entity (rate-limit `hits` + `block`, exchange `claim` +
 *   `result`) lands in one slot, and a script or MULTI over them never gets
 *   CROSSSLOT;
 * - different entities land in different slots, so load and memory spread
 *   over all masters. A single tag for the whole module (e.g. `{assist}`)
 *   would also avoid CROSSSLOT but would pin everything to one master, which
 *   is exactly what a Cluster is deployed to avoid.
 * No operation of the module spans two entities, so nothing needs a wider tag.
 *
 * The kind stays outside the tag so that a `SCAN MATCH prefix+kind:*` still
 * finds one kind, and so that the prefix (outside too) never takes part in
 * slot choice. The prefix must therefore hold no brace: a `{` in it would
 * become the tag itself and send every key of the module to one slot.
 */

export type RedisKeyKind = 'replay' | 'exchange' | 'ratelimit' | 'channel-auth' | 'wechat-component';

/** Thrown for a key prefix that would break the hash-tag layout. */
export class RedisKeyPrefixError extends Error {
  override readonly name = 'RedisKeyPrefixError';
}

/** Throws unless `prefix` can carry the layout above (no braces). */
export function assertRedisKeyPrefix(prefix: string, setting = 'keyPrefix'): void {
  if (/[{}]/.test(prefix)) {
    throw new RedisKeyPrefixError(
      `${setting}: must not contain "{" or "}" (a brace in the prefix would become the Cluster hash tag and put every key in one slot)`,
    );
  }
}

/**
 * Makes any entity id safe inside `{…}`: a `}` would end the tag early and
 * an empty tag would make Redis hash the whole key (splitting an entity's
 * keys over slots). Percent-encoding `%`, `{`, `}` keeps distinct ids distinct.
 */
export function hashTagContent(entity: string): string {
  const encoded = entity.replace(/[%{}]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  // An empty id still needs a non-empty tag; "%" alone can never come out of
  // the encoding above, so it cannot collide with a real id.
  return encoded === '' ? '%' : encoded;
}

/** `${prefix}${kind}:{${entity}}[:${part}]`; see the file comment. */
export function redisKey(prefix: string, kind: RedisKeyKind, entity: string, part?: string): string {
  assertRedisKeyPrefix(prefix);
  const base = `${prefix}${kind}:{${hashTagContent(entity)}}`;
  return part === undefined ? base : `${base}:${part}`;
}

/** The one key of a replay claim (single-key SET NX PX). */
export function replayKey(prefix: string, requestKey: string): string {
  return redisKey(prefix, 'replay', requestKey);
}

/** Claim and result of one exchange: one slot, so a script may touch both. */
export function exchangeKeys(prefix: string, exchangeKey: string): { claim: string; result: string } {
  return {
    claim: redisKey(prefix, 'exchange', exchangeKey, 'claim'),
    result: redisKey(prefix, 'exchange', exchangeKey, 'result'),
  };
}

/** The one key of a channel-auth flow (single-key get / set / scripts). */
export function channelAuthKey(
  prefix: string,
  flowKey: string,
  kind: 'channel-auth' | 'wechat-component' = 'channel-auth',
): string {
  return redisKey(prefix, kind, flowKey);
}

/** Hit counter and block flag of one throttler key: the increment script's KEYS[1], KEYS[2]. */
export function rateLimitKeys(prefix: string, throttlerName: string, key: string): { hits: string; block: string } {
  const entity = `${throttlerName}:${key}`;
  return {
    hits: redisKey(prefix, 'ratelimit', entity, 'hits'),
    block: redisKey(prefix, 'ratelimit', entity, 'block'),
  };
}
