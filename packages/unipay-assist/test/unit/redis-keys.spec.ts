import {
  assertRedisKeyPrefix,
  channelAuthKey,
  exchangeKeys,
  hashTagContent,
  rateLimitKeys,
  redisKey,
  replayKey,
} from '../../src/redis/redis-keys';

/** What Redis Cluster hashes: the text between the first "{" and the next "}", if non-empty. */
function hashedPart(key: string): string {
  const open = key.indexOf('{');
  if (open < 0) return key;
  const close = key.indexOf('}', open + 1);
  if (close < 0 || close === open + 1) return key;
  return key.slice(open + 1, close);
}

describe('redis-keys', () => {
  const prefix = 'unipay:assist:';

  it('puts the prefix first, the kind outside the tag and the entity inside it', () => {
    expect(replayKey(prefix, 'abc')).toBe('unipay:assist:replay:{abc}');
    expect(channelAuthKey(prefix, 'flow-1')).toBe('unipay:assist:channel-auth:{flow-1}');
    expect(exchangeKeys(prefix, 'd1g35t')).toEqual({
      claim: 'unipay:assist:exchange:{d1g35t}:claim',
      result: 'unipay:assist:exchange:{d1g35t}:result',
    });
    expect(rateLimitKeys(prefix, 'default', '203.0.113.9')).toEqual({
      hits: 'unipay:assist:ratelimit:{default:203.0.113.9}:hits',
      block: 'unipay:assist:ratelimit:{default:203.0.113.9}:block',
    });
  });

  it('gives every key of one entity the same hashed part, and different entities different ones', () => {
    const rl = rateLimitKeys(prefix, 'burst', 'merchant-7');
    expect(hashedPart(rl.hits)).toBe(hashedPart(rl.block));
    const ex = exchangeKeys(prefix, 'k1');
    expect(hashedPart(ex.claim)).toBe(hashedPart(ex.result));
    expect(hashedPart(exchangeKeys(prefix, 'k2').claim)).not.toBe(hashedPart(ex.claim));
    expect(hashedPart(rateLimitKeys(prefix, 'other', 'merchant-7').hits)).not.toBe(hashedPart(rl.hits));
  });

  it('keeps ids with braces, percent signs or nothing at all inside one non-empty tag, without collisions', () => {
    const ids = ['', '}', '{', '{}', 'a}b', '%7D', '%', 'a{b}c', '}}{{'];
    const tags = ids.map(hashTagContent);
    for (const t of tags) {
      expect(t).not.toBe('');
      expect(t).not.toMatch(/[{}]/);
    }
    expect(new Set(tags).size).toBe(ids.length);
    for (const id of ids) {
      const { hits, block } = rateLimitKeys(prefix, 't', id);
      // The whole tag is hashed (not cut short at a brace inside the id), so both keys share it.
      expect(hashedPart(hits)).toBe(hashTagContent(`t:${id}`));
      expect(hashedPart(block)).toBe(hashedPart(hits));
    }
  });

  it('refuses a prefix with a brace, which would become the tag of every key', () => {
    expect(() => assertRedisKeyPrefix('app:{assist}:')).toThrow(/keyPrefix: must not contain "\{" or "\}"/);
    expect(() => redisKey('a}', 'replay', 'x')).toThrow(/must not contain/);
    expect(() => assertRedisKeyPrefix('REDIS_KEY_PREFIX-ok:', 'REDIS_KEY_PREFIX')).not.toThrow();
    expect(() => assertRedisKeyPrefix('{x', 'REDIS_KEY_PREFIX')).toThrow(/^REDIS_KEY_PREFIX: /);
  });

  it('lets an empty prefix through, and gives an empty id a tag of its own', () => {
    expect(replayKey('', 'r')).toBe('replay:{r}');
    expect(replayKey(prefix, '')).toBe('unipay:assist:replay:{%}');
    expect(hashedPart(replayKey(prefix, ''))).toBe('%');
  });
});
