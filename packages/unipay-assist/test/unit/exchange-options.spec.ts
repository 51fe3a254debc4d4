import { exchangeOptionsFromEnv, resolveExchangeOptions } from '../../src/exchange/exchange.options';
import { AssistConfigError } from '../../src/kernel/assist-config.error';

describe('exchange options', () => {
  it('reads each variable as a whole number', () => {
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

  it('leaves unset and blank variables to the defaults', () => {
    expect(exchangeOptionsFromEnv({ EXCHANGE_WAIT_MS: '', EXCHANGE_CACHE_TTL_MS: '  ' })).toEqual({
      waitMs: undefined,
      cacheTtlMs: undefined,
      retryDelayMs: undefined,
      breakerThreshold: undefined,
      breakerHalfOpenMs: undefined,
    });
  });

  it.each([
    ['EXCHANGE_CACHE_TTL_MS', 'soon'],
    ['WECHAT_BREAKER_THRESHOLD', '0'],
    ['WECHAT_BREAKER_HALF_OPEN_MS', '-5'],
    ['EXCHANGE_WAIT_MS', '1.5'],
    ['EXCHANGE_CACHE_TTL_MS', '600000'],
  ])('refuses %s=%s at start, naming the variable', (name, value) => {
    const run = (): unknown => exchangeOptionsFromEnv({ [name]: value });
    expect(run).toThrow(AssistConfigError);
    expect(run).toThrow(new RegExp(`^unipay-assist ${name} must be a whole number`));
  });

  it('derives the claim life and the default wait from the upstream timeout', () => {
    const o = resolveExchangeOptions({ retryDelayMs: 50 }, 3000);
    expect(o).toMatchObject({
      retryDelayMs: 50,
      claimTtlMs: 8050,
      waitMs: 8050,
      cacheTtlMs: 300_000,
      breakerThreshold: 5,
    });
  });

  it('names the option path of a bad module option', () => {
    expect(() => resolveExchangeOptions({ breakerThreshold: -1 }, 5000)).toThrow(
      'unipay-assist exchange.breakerThreshold must be a whole number >= 1 (got -1)',
    );
  });
});
