// The public API of unipay-assist: what a host uses. Anything not exported here is internal.
// The client SDK is its own entry (`unipay-assist/client`, free of NestJS), and so are
// `unipay-assist/simulator`, `/openapi`, `/health` and `/metrics`.

// Module, options and configuration
export { AssistModule } from './module/assist.module';
export { ASSIST_MODULE_OPTIONS } from './module/assist.module-definition';
export type { AssistModuleOptions, AssistModuleExtras } from './module/assist.options';
export { DEFAULT_ROUTE_PREFIX } from './module/assist.options';
export { assistConfig } from './module/assist.config';
export type { WechatOptions } from './wechat/wechat.options';
export { DEFAULT_WECHAT_API_BASE, DEFAULT_WECHAT_OPEN_BASE } from './wechat/wechat.options';
export type { ExchangeOptions } from './exchange/exchange.options';
export type { RateLimit, RateLimitOptions, RateLimitScope } from './rate-limit/rate-limit.options';
export { DEFAULT_RATE_LIMITS } from './rate-limit/rate-limit.options';
export type { HostedAuthOptions } from './channel-auth/hosted-auth.options';
export { DIALECT_NAMES, DEFAULT_DIALECT } from './dialects/wire-dialect';
export type { DialectName } from './dialects/wire-dialect';
export { AssistConfigError } from './kernel/assist-config.error';
export { MerchantConfigError } from './merchants/merchant-config.error';

// What a host implements or replaces (interface and injection token share a name)
export type { Merchant, MerchantInput, MerchantQuery } from './merchants/merchant';
export { MerchantProvider } from './merchants/merchant.provider';
// For a host's own MerchantProvider: the same checks and defaults as configured merchants.
export { normalizeMerchant } from './merchants/normalize-merchant';
export { ReplayStore } from './replay/replay.store';
export { ExchangeCache } from './exchange/exchange.cache';
export { ChannelAuthStore } from './channel-auth/channel-auth.store';
export { AssistMetrics, NoopAssistMetrics } from './kernel/assist.metrics';
export type { BreakerState, ExchangeReuse } from './kernel/assist.metrics';
export { ASSIST_CLOCK } from './kernel/clock';
export type { AssistClock } from './kernel/clock';
export { AssistRedis } from './redis/assist-redis';
export type { AssistRedisClient } from './redis/assist-redis';

// Envelope and codes
export { AssistErrorCode, ASSIST_ERROR_DESCRIPTIONS, ASSIST_ERROR_DAXPAY_NAMES } from './kernel/error-codes';
export type { AssistErrorCodeName, AssistErrorCodeValue } from './kernel/error-codes';
export { AssistException } from './kernel/assist.exception';
export type { Envelope, SignedData } from './http/envelope/envelope';

// For a host's own signed routes: @UseGuards(SignatureGuard) @UseInterceptors(EnvelopeInterceptor)
// @UseFilters(EnvelopeExceptionFilter) @SignedRoute('name', MyDto), body through @AssistBody()
export { SignatureGuard } from './http/guards/signature.guard';
export { EnvelopeInterceptor } from './http/envelope/envelope.interceptor';
export { EnvelopeExceptionFilter } from './http/filters/envelope-exception.filter';
export { SignedRoute } from './http/assist-route.decorator';
export { AssistBody } from './http/assist-body.decorator';
export { AssistRequestDto, SignedRequestHead } from './http/dto/assist-request.dto';
export { WxAccessTokenDto } from './http/dto/wx-access-token.dto';
export { WxAuthUrlDto } from './http/dto/wx-auth-url.dto';

// Services a host may call
export { WechatOAuthService } from './wechat/wechat-oauth.service';

// Signing (pure; the same module as the client's)
export { SIGN_TYPES, isSignType, parseSignType } from './signing/sign-type';
export type { SignType } from './signing/sign-type';
export { sign, verify, withSign } from './signing/signature';

// Operator self-test (`unipay-assist doctor`), also callable by a host at start with the module's options
export { runDoctor, formatDoctorTable, DOCTOR_PROBE_CODE } from './doctor';
export type { DoctorOptions, DoctorReport, DoctorRow, DoctorStatus } from './doctor';

// Which DaxPay generation signed a request (docs/daxpay-detection.md)
export { detectGeneration, GENERATION_MARKERS } from './dialects/generation-detection';
export type { Detection, DialectPreferences, GenerationMarker, WireFacts } from './dialects/generation-detection';
