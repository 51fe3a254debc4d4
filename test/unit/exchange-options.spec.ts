import { exchangeOptionsFromEnv } from '../../src/exchange/exchange.options';

describe('exchange options from the environment', () => {
  it('reads each variable as a positive number', () => {
    expect(
      exchangeOptionsFromEnv({
        EXCHANGE_WAIT_MS: '1500',
        EXCHANGE_CACHE_TTL_MS: '60000',
        WECHAT_RETRY_DELAY_MS: '0',
        WECHAT_BREAKER_THRESHOLD: '3',
        WECHAT_BREAKER_HALF_OPEN_MS: '2000',
      }),
    ).toEqual({ waitMs: 1500, cacheTtlMs: 60000, retryDelayMs: 0, breakerThreshold: 3, breakerHalfOpenMs: 2000 });
  });

  it('leaves unset, blank, zero (except the retry delay), negative or non-numeric values to the defaults', () => {
    expect(
      exchangeOptionsFromEnv({ EXCHANGE_WAIT_MS: '', EXCHANGE_CACHE_TTL_MS: 'soon', WECHAT_BREAKER_THRESHOLD: '0', WECHAT_BREAKER_HALF_OPEN_MS: '-5' }),
    ).toEqual({ waitMs: undefined, cacheTtlMs: undefined, retryDelayMs: undefined, breakerThreshold: undefined, breakerHalfOpenMs: undefined });
  });
});
