/**
 * Stable envelope codes. 10001/10005/10006/20052 are DaxPay's; the rest are
 * ours and documented in the README. Never renumber a published code.
 */
export const AssistErrorCode = {
  SUCCESS: 0,
  INTERNAL: 10001,
  BAD_JSON: 10005,
  INVALID_FIELD: 10006,
  BODY_TOO_LARGE: 10007,
  UNSUPPORTED_MEDIA_TYPE: 10008,
  ROUTE_NOT_FOUND: 10009,
  BUSINESS_FAILED: 20000,
  BAD_SIGN: 20052,
  REPLAY_IN_PROGRESS: 29061,
  UNKNOWN_MERCHANT: 20060,
  REPLAYED: 20061,
  REDIRECT_NOT_ALLOWED: 20062,
  RATE_LIMITED: 20063,
  WECHAT_UNREACHABLE: 30001,
  WECHAT_TIMEOUT: 30002,
  WECHAT_BAD_RESPONSE: 30003,
  WECHAT_HTTP_ERROR: 30004,
  WECHAT_CIRCUIT_OPEN: 30005,
  EXCHANGE_IN_PROGRESS: 30006,
  STORE_UNAVAILABLE: 30010,
  // The host gateway's own guard or pipe refused a relay request (29xxx: numbers DaxPay never uses).
  HOST_REFUSED: 29900,
  // Channel auth (31xxx): numbers DaxPay never uses.
  CHANNEL_AUTH_UNSUPPORTED: 31001,
  HOSTED_AUTH_OFF: 31002,
  QUERY_CODE_UNKNOWN: 31003,
  QUERY_CODE_TAKEN: 31004,
} as const;

export type AssistErrorCodeName = keyof typeof AssistErrorCode;
export type AssistErrorCodeValue = (typeof AssistErrorCode)[AssistErrorCodeName];

/** One line per code, used by the README table and the OpenAPI document. */
export const ASSIST_ERROR_DESCRIPTIONS: Readonly<Record<AssistErrorCodeValue, string>> = {
  0: 'success (a WeChat refusal is a business failure inside data, data.code = 1)',
  10001: 'internal error',
  29900: "the gateway host's own guard or pipe refused the request (the relay's routes need the host's public marker, see controllerDecorators)",
  10005: 'body is not valid JSON or not a JSON object',
  10006: 'a field is missing or invalid, or reqTime is outside the allowed window',
  10007: 'body larger than the configured limit',
  10008: 'content type is not application/json',
  10009: 'no such route or method (use POST)',
  20000: 'WeChat refused (generations whose data cannot carry a failure: 2.0.0-2.0.5, multi)',
  20052: 'signature verification failed',
  29061: 'the same signed request is still being answered (by another instance); retry shortly',
  20060: 'unknown merchant (mchNo/appId)',
  20061: 'replayed request: this signed request was already accepted',
  20062: 'redirect URL host is not on the merchant allow-list',
  20063: 'rate limit exceeded',
  30001: 'WeChat unreachable',
  30002: 'WeChat timed out',
  30003: 'WeChat answered something that is not its JSON',
  30004: 'WeChat answered an HTTP error status',
  30005: 'WeChat circuit open: failing fast while WeChat is down',
  30006: 'the same code is being exchanged elsewhere; retry shortly',
  30010: 'replay/idempotency store unavailable (fails closed)',
  31001: 'channel or authType not available for channel auth (ali_pay until the Alipay channel is configured)',
  31002: 'hosted authorization is not configured (hostedAuth.publicBaseUrl / ASSIST_PUBLIC_BASE_URL)',
  31003: "queryCode unknown, expired, or not this merchant's",
  31004: 'queryCode already completed with another authorization code',
};
