import { DEFAULT_RATE_LIMITS, rateLimitsFromEnv, resolveRateLimit } from '../../src/rate-limit/rate-limit.options';

describe('rate-limit options', () => {
  it('defaults both limits', () => {
    expect(resolveRateLimit(undefined, 'ip')).toEqual(DEFAULT_RATE_LIMITS.ip);
    expect(resolveRateLimit({}, 'merchant')).toEqual(DEFAULT_RATE_LIMITS.merchant);
  });

  it('turns a limit off with false or 0', () => {
    expect(resolveRateLimit({ ip: false }, 'ip')).toBeUndefined();
    expect(resolveRateLimit({ ip: { limit: 0, windowMs: 1000 } }, 'ip')).toBeUndefined();
    expect(resolveRateLimit({ ip: false }, 'merchant')).toEqual(DEFAULT_RATE_LIMITS.merchant);
  });

  it('refuses nonsense at start', () => {
    expect(() => resolveRateLimit({ ip: { limit: -1, windowMs: 1000 } }, 'ip')).toThrow('rateLimit.ip.limit');
    expect(() => resolveRateLimit({ merchant: { limit: 1, windowMs: 1.5 } }, 'merchant')).toThrow(
      'rateLimit.merchant.windowMs',
    );
    expect(() => resolveRateLimit({ merchant: { limit: 1, windowMs: 10, blockMs: NaN } }, 'merchant')).toThrow(
      'blockMs',
    );
  });

  it('reads the environment', () => {
    expect(rateLimitsFromEnv({})).toEqual({});
    expect(rateLimitsFromEnv({ RATE_LIMIT_IP: '50' })).toEqual({
      ip: { limit: 50, windowMs: DEFAULT_RATE_LIMITS.ip.windowMs },
    });
    expect(
      rateLimitsFromEnv({ RATE_LIMIT_MERCHANT: '10', RATE_LIMIT_MERCHANT_WINDOW_MS: '1000', RATE_LIMIT_IP: '0' }),
    ).toEqual({
      ip: false,
      merchant: { limit: 10, windowMs: 1000 },
    });
    expect(() => rateLimitsFromEnv({ RATE_LIMIT_IP: 'lots' })).toThrow(
      'RATE_LIMIT_IP must be a non-negative integer, not lots',
    );
  });
});
