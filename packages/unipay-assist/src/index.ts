// The public API of unipay-assist: what a host uses. Anything not exported here is internal.
// `/openapi`, `/health` and `/metrics` are their own entries (their peers are optional);
// the merchant client, the simulators and the CLI are packages of their own
// (@unipay-assist/client, @unipay-assist/simulator, @unipay-assist/cli).

// Module, options and configuration
export { AssistModule } from './module/assist.module';
export { ASSIST_MODULE_OPTIONS } from './module/assist.module-definition';
export type { AssistModuleOptions, AssistModuleExtras } from './module/assist.options';
export { DEFAULT_ROUTE_PREFIX } from './module/assist.options';
export { assistConfig } from './module/assist.config';
export type { WechatOptions } from './wechat/wechat.options';
export { DEFAULT_WECHAT_API_BASE, DEFAULT_WECHAT_OPEN_BASE } from './wechat/wechat.options';
export type { WechatServiceProviderOptions } from './wechat/wechat-service-provider.options';
export type { WechatComponentOptions } from './wechat-component/wechat-component.options';
export { COMPONENT_EVENTS_PATH } from './http/component-events.controller';
export type { ExchangeOptions } from './exchange/exchange.options';
export type { RateLimit, RateLimitOptions, RateLimitScope } from './rate-limit/rate-limit.options';
export { DEFAULT_RATE_LIMITS } from './rate-limit/rate-limit.options';
export type { HostedAuthOptions } from './channel-auth/hosted-auth.options';
export { DIALECT_NAMES, DEFAULT_DIALECT } from '@unipay-assist/wire';
export type { DialectName } from '@unipay-assist/wire';
export { AssistConfigError } from './kernel/assist-config.error';
export { MerchantConfigError } from './merchants/merchant-config.error';

// What a host implements or replaces (interface and injection token share a name)
export type {
  MerchantWechat,
  OwnWechatApp,
  ServiceProviderWechatApp,
  ComponentWechatApp,
  WechatAppMode,
} from './merchants/merchant';
export { wechatAppMode } from './merchants/merchant';
export type { Merchant, MerchantInput, MerchantQuery, MerchantSignType, SecretMerchant } from './merchants/merchant';
export { signsWithSecret } from './merchants/merchant';
export type { PlatformKeyOption, MpVerifyFilesOption } from './daxpay-open/open.options';
export { OpenException } from './daxpay-open/open.exception';
export { OpenSignatureGuard } from './http/open/open-signature.guard';
export { MerchantProvider } from './merchants/merchant.provider';
// For a host's own MerchantProvider: the same checks and defaults as configured merchants.
export { normalizeMerchant, normalizeMerchants } from './merchants/normalize-merchant';
// The merchants of the environment (ASSIST_MERCHANTS_FILE or ASSIST_MCH_NO ...), as forRootAsync(assistConfig) reads them.
export { merchantsFromEnv, readMerchantsFile } from './merchants/merchants-from-env';
export { ReplayStore } from './replay/replay.store';
export { ExchangeCache } from './exchange/exchange.cache';
export { ChannelAuthStore } from './channel-auth/channel-auth.store';
export { ComponentStore } from './wechat-component/component.store';
export { AssistMetrics, NoopAssistMetrics } from './kernel/assist.metrics';
export type { BreakerState, ExchangeReuse } from './kernel/assist.metrics';
export { ASSIST_CLOCK } from './kernel/clock';
export type { AssistClock } from './kernel/clock';
export { AssistRedis } from './redis/assist-redis';
export type { AssistRedisClient } from './redis/assist-redis';

// Envelope and codes
export { AssistErrorCode, ASSIST_ERROR_DESCRIPTIONS, ASSIST_ERROR_DAXPAY_NAMES } from '@unipay-assist/wire';
export type { AssistErrorCodeName, AssistErrorCodeValue } from '@unipay-assist/wire';
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
// The hosted flows (channel auth): a host's own page links to them through publicRouteUrl.
export { ChannelAuthService } from './relay/channel-auth/channel-auth.service';
// Which WeChat app a merchant's payers authorize (own, service provider's, through the platform), and the platform's ticket/token.
export { WechatAppsService } from './relay/wechat-apps.service';
export type { ResolvedWechatApp } from './relay/wechat-apps.service';
export { ComponentTokenService } from './relay/component-token.service';

// Signing (pure; the same module as the client's)
export { SIGN_TYPES, isSignType, parseSignType } from '@unipay-assist/wire';
export type { SignType } from '@unipay-assist/wire';
export { sign, verify, withSign } from '@unipay-assist/wire';

// Operator self-test (`unipay-assist doctor`), also callable by a host at start with the module's options
export { runDoctor, formatDoctorTable, doctorOptionsFromEnv, DOCTOR_PROBE_CODE } from './doctor';
export type { DoctorOptions, DoctorReport, DoctorRow, DoctorStatus } from './doctor';

// Which DaxPay generation signed a request (docs/daxpay-detection.md)
export { detectGeneration, GENERATION_MARKERS } from '@unipay-assist/wire';
export type { Detection, DialectPreferences, GenerationMarker, WireFacts } from '@unipay-assist/wire';
