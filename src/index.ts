// The public API of unipay-assist. Anything not exported here is internal.

// Module
export { AssistModule } from './module/assist.module';
export { ASSIST_MODULE_OPTIONS } from './module/assist.module-definition';
export type { AssistModuleOptions, AssistModuleExtras, WechatOptions } from './module/assist.options';
export { DEFAULT_ROUTE_PREFIX, DEFAULT_WECHAT_API_BASE, DEFAULT_WECHAT_OPEN_BASE } from './module/assist.options';
export { assistConfig } from './module/assist.config';
export { AssistController } from './http/assist.controller';
export { AssistService } from './http/assist.service';
export { SignatureGuard } from './http/guards/signature.guard';
export { WxAccessTokenDto } from './http/dto/wx-access-token.dto';
export { WxAuthUrlDto } from './http/dto/wx-auth-url.dto';
export { AssistRequestDto } from './http/dto/assist-request.dto';

// Envelope
export { AssistErrorCode, ASSIST_ERROR_DESCRIPTIONS } from './kernel/error-codes';
export type { AssistErrorCodeName, AssistErrorCodeValue } from './kernel/error-codes';
export { AssistException } from './kernel/assist.exception';
export type { Envelope, SignedData } from './http/envelope/envelope';
export { EnvelopeInterceptor, signedEnvelope } from './http/envelope/envelope.interceptor';
export { EnvelopeExceptionFilter } from './http/filters/envelope-exception.filter';

// Merchants
export type { Merchant, MerchantInput, MerchantQuery } from './merchants/merchant';
export { MerchantProvider } from './merchants/merchant.provider';
export { StaticMerchantProvider } from './merchants/static-merchant.provider';
export { MerchantConfigError } from './merchants/merchant-config.error';
export { normalizeMerchant, normalizeMerchants } from './merchants/normalize-merchant';

// Replay
export { ReplayStore } from './replay/replay.store';
export { MemoryReplayStore } from './replay/memory-replay.store';
export { RedisReplayStore, DEFAULT_REDIS_KEY_PREFIX } from './replay/redis-replay.store';
export { AssistRedis } from './redis/assist-redis';
export { AssistRedisLifecycle } from './redis/assist-redis.lifecycle';

// Rate limits
export type { RateLimit, RateLimitOptions, RateLimitScope } from './rate-limit/rate-limit.options';
export { DEFAULT_RATE_LIMITS, rateLimitsFromEnv } from './rate-limit/rate-limit.options';
export { AssistIpThrottlerGuard, AssistMerchantThrottlerGuard, ASSIST_THROTTLER_STORAGE } from './rate-limit/assist-throttler.guard';
export { RedisThrottlerStorage } from './rate-limit/redis-throttler.storage';
export { MemoryThrottlerStorage } from './rate-limit/memory-throttler.storage';
export type { MemoryThrottlerStorageOptions } from './rate-limit/memory-throttler.storage';

// Redirect allow-list (pure)
export { checkRedirectUrl, parseRedirectHostPattern } from './merchants/redirect-hosts';

// WeChat
export { WechatOAuthService } from './wechat/wechat-oauth.service';
export { buildAuthorizeUrl } from './wechat/wechat-authorize-url';
export type { WechatScope } from './wechat/wechat-authorize-url';
export { describeWechatErrcode, WECHAT_ERRCODE_REASONS } from './wechat/wechat-errors';

// Idempotent exchange, retry and circuit breaker
export { CodeExchangeService } from './exchange/code-exchange.service';
export type { ExchangeOutcome, ExchangeSource, ExchangeStats } from './exchange/code-exchange.service';
export { ExchangeCache } from './exchange/exchange.cache';
export { MemoryExchangeCache } from './exchange/memory-exchange.cache';
export { RedisExchangeCache } from './exchange/redis-exchange.cache';
export type { ExchangeOptions } from './exchange/exchange.options';
export { exchangeKey } from './exchange/exchange-key';

// Metrics hooks (Prometheus implementation: `unipay-assist/metrics`; health: `unipay-assist/health`; OpenAPI: `unipay-assist/openapi`)
export { AssistMetrics, NoopAssistMetrics } from './kernel/assist.metrics';
export type { BreakerState, ExchangeReuse } from './kernel/assist.metrics';

// Signing (pure)
export { SIGN_TYPES, isSignType, parseSignType } from './signing/sign-type';
export type { SignType } from './signing/sign-type';
export { canonicalString, signString } from './signing/sign-string';
export { sign, verify, signEquals, withSign } from './signing/signature';

// Client SDK (also its own entry, src/client/index.ts, free of NestJS); its signing
// re-exports are the same bindings as the ones above.
export * from './client';
