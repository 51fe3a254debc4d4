/**
 * Envelope codes (issue 11). Each is either DaxPay's own code with DaxPay's
 * meaning (ASSIST_ERROR_DAXPAY_NAMES says which constant) or the relay's own
 * number in 29000–29999, a block no DaxPay table uses, so a DaxPay client that
 * switches on codes never misreads one. The multi-merchant line and 3.0 know
 * bootx 3.0's numbers for the common ones (10500, 10505, 10506, 10507): the
 * dialects translate (src/dialects/outer-codes.ts). Names are stable; the
 * numbers changed once, in issue 11 (README: migration note).
 */
export const AssistErrorCode = {
  SUCCESS: 0,
  INTERNAL: 10001,
  BAD_JSON: 10005,
  INVALID_FIELD: 10006,
  BODY_TOO_LARGE: 29007,
  UNSUPPORTED_MEDIA_TYPE: 29008,
  ROUTE_NOT_FOUND: 29009,
  BUSINESS_FAILED: 20000,
  BAD_SIGN: 20052,
  REPLAY_IN_PROGRESS: 29061,
  UNKNOWN_MERCHANT: 20023,
  REPLAYED: 10007,
  REDIRECT_NOT_ALLOWED: 29062,
  RATE_LIMITED: 29063,
  UPSTREAM_UNREACHABLE: 29301,
  UPSTREAM_TIMEOUT: 29302,
  UPSTREAM_BAD_RESPONSE: 29303,
  UPSTREAM_HTTP_ERROR: 29304,
  UPSTREAM_CIRCUIT_OPEN: 29305,
  EXCHANGE_IN_PROGRESS: 29306,
  STORE_UNAVAILABLE: 29310,
  // WeChat's service-provider app and third-party platform (the relay's own 2932x).
  COMPONENT_TICKET_MISSING: 29320,
  WECHAT_APP_UNAVAILABLE: 29321,
  COMPONENT_TOKEN_REFUSED: 29322,
  COMPONENT_PUSH_REFUSED: 29323,
  COMPONENT_UNAUTHORIZED: 29324,
  // The host gateway's own guard or pipe refused a relay request (29xxx: numbers DaxPay never uses).
  HOST_REFUSED: 29900,
  // Channel auth: the relay's own 294xx, except an unconfigured hosted flow (DaxPay's CONFIG_ERROR).
  CHANNEL_AUTH_UNSUPPORTED: 29401,
  HOSTED_AUTH_OFF: 20024,
  QUERY_CODE_UNKNOWN: 29403,
  QUERY_CODE_TAKEN: 29404,
} as const;

/**
 * The DaxPay constant each DaxPay-owned code is (bootx CommonErrorCode, DaxPay's
 * DaxPayErrorCode; docs/daxpay-dialects.md, "DaxPay's error codes"). Codes absent
 * here are the relay's own (29000–29999).
 */
export const ASSIST_ERROR_DAXPAY_NAMES: Readonly<Record<number, string>> = {
  0: 'success (DaxRes.ok, code 0)',
  10001: 'CommonErrorCode.SYSTEM_ERROR (multi/3.0: 10500)',
  10005: 'CommonErrorCode.PARSE_PARAMETERS_ERROR (multi/3.0: 10505)',
  10006: 'CommonErrorCode.VALIDATE_PARAMETERS_ERROR (multi/3.0: 10506)',
  10007: 'CommonErrorCode.REPETITIVE_OPERATION_ERROR (multi/3.0: 10507)',
  20000: 'DaxPayErrorCode.PAY_FAILURE (2.0.0–2.0.7) / UNCLASSIFIED_ERROR (2.0.8, multi, 3.0)',
  20023: 'DaxPayErrorCode.CONFIG_NOT_ENABLE ("未找到指定的应用配置")',
  20024: 'DaxPayErrorCode.CONFIG_ERROR',
  20052: 'DaxPayErrorCode.VERIFY_SIGN_FAILED',
};

export type AssistErrorCodeName = keyof typeof AssistErrorCode;
export type AssistErrorCodeValue = (typeof AssistErrorCode)[AssistErrorCodeName];

/** One line per code, used by the README table and the OpenAPI document. */
export const ASSIST_ERROR_DESCRIPTIONS: Readonly<Record<AssistErrorCodeValue, string>> = {
  0: 'success (a WeChat refusal is a business failure inside data, data.code = 1)',
  10001: 'internal error',
  29900:
    "the gateway host's own guard or pipe refused the request (the relay's routes need the host's public marker, see controllerDecorators)",
  10005: 'body is not valid JSON or not a JSON object',
  10006: 'a field is missing or invalid, or reqTime is outside the allowed window',
  29007: 'body larger than the configured limit',
  29008: 'content type is not application/json',
  29009: 'no such route or method (use POST)',
  20000: 'WeChat refused (generations whose data cannot carry a failure: 2.0.0-2.0.5, multi)',
  20052: 'signature verification failed',
  29061: 'the same signed request is still being answered (by another instance); retry shortly',
  20023: 'unknown merchant (mchNo/appId)',
  10007: "replayed request: this signed request was already accepted (a merchant with replay: 'reject')",
  29062: 'redirect URL host is not on the merchant allow-list',
  29063: 'rate limit exceeded',
  29301: 'WeChat (or Alipay, as msg says) unreachable',
  29302: 'WeChat (or Alipay) timed out',
  29303: "WeChat (or Alipay) answered something that is not its JSON, or Alipay's answer sign does not verify",
  29304: 'WeChat (or Alipay) answered an HTTP error status',
  29305: 'circuit open: failing fast while WeChat (or Alipay) is down',
  29306: 'the same code is being exchanged elsewhere; retry shortly',
  29310: 'replay/idempotency store unavailable (fails closed)',
  29320:
    "the gateway's WeChat third-party platform has no component_verify_ticket yet (WeChat pushes one every 10 minutes); retry later",
  29321: "the merchant's WeChat mode (wechatServiceProvider / wechatComponent) is not configured on this gateway",
  29322: 'WeChat refused the third-party platform its component_access_token (msg names the errcode)',
  29323:
    "a WeChat third-party platform push was refused: bad signature, stale timestamp, undecryptable, or another platform's",
  29324: "the merchant's official account withdrew its authorization of the gateway's third-party platform",
  29401: 'channel or authType not available for channel auth (ali_pay until the Alipay channel is configured)',
  20024: 'hosted authorization is not configured (hostedAuth.publicBaseUrl / ASSIST_PUBLIC_BASE_URL)',
  29403: "queryCode unknown, expired, or not this merchant's",
  29404: 'queryCode already completed with another authorization code',
};
