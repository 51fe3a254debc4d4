import { AssistException } from '../../kernel/assist.exception';
import { AssistErrorCode } from '@unipay-assist/wire';

export interface MappedError {
  code: number;
  msg: string;
  /** True when the cause is ours, not the caller's: log it. */
  internal: boolean;
}

/**
 * Where an error was raised: before a route matched (the body parser, the
 * router) or inside one (guards, pipes, the handler, including a host's
 * global ones).
 */
export type ErrorStage = 'pre-route' | 'route';

/**
 * Any thrown value to an envelope code. Pure (duck-typed on `status` /
 * `statusCode`) so it covers NestJS, Express body-parser and Fastify errors
 * without importing any of them. A bare 4xx is a body-parser error only
 * before routing; inside a route it came from the host's machinery (a
 * global guard or pipe) and is reported as the host's refusal.
 */
export function mapError(err: unknown, stage: ErrorStage = 'route'): MappedError {
  if (err instanceof AssistException) return { code: err.code, msg: err.message, internal: false };
  const status = statusOf(err);
  const fastifyCode = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : '';
  if (status === 413 || fastifyCode === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return { code: AssistErrorCode.BODY_TOO_LARGE, msg: 'body is larger than the allowed limit', internal: false };
  }
  if (status === 415 || fastifyCode === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return {
      code: AssistErrorCode.UNSUPPORTED_MEDIA_TYPE,
      msg: 'content type must be application/json',
      internal: false,
    };
  }
  if (stage === 'pre-route' && (status === 404 || status === 405)) {
    return {
      code: AssistErrorCode.ROUTE_NOT_FOUND,
      msg: 'no such route: use POST getWxAccessToken or getWxAuthUrl',
      internal: false,
    };
  }
  if (status === 429) {
    return { code: AssistErrorCode.RATE_LIMITED, msg: 'rate limit exceeded, retry later', internal: false };
  }
  // Fastify's code is lost when Nest wraps the error in an HttpException; its message stays.
  const message = err instanceof Error ? err.message : '';
  if (fastifyCode === 'FST_ERR_CTP_EMPTY_JSON_BODY' || /^Body cannot be empty/.test(message)) {
    return { code: AssistErrorCode.BAD_JSON, msg: 'body is empty: send a JSON object', internal: false };
  }
  if (err instanceof SyntaxError || isParserError(err)) {
    return { code: AssistErrorCode.BAD_JSON, msg: 'body is not valid JSON', internal: false };
  }
  if (stage === 'route' && status !== undefined && status >= 400 && status < 500) {
    // The host's own guard or pipe refused the request; its message is the host's, not ours to echo.
    return { code: AssistErrorCode.HOST_REFUSED, msg: `refused by the gateway host (HTTP ${status})`, internal: false };
  }
  if (status === 400) {
    // Only the body parsers raise a bare 400 here: our own checks throw AssistException.
    return { code: AssistErrorCode.BAD_JSON, msg: 'body is not valid JSON', internal: false };
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return { code: AssistErrorCode.BAD_JSON, msg: 'request body could not be read', internal: false };
  }
  return { code: AssistErrorCode.INTERNAL, msg: 'internal error', internal: true };
}

function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { getStatus?: () => unknown; status?: unknown; statusCode?: unknown };
  const s = typeof e.getStatus === 'function' ? e.getStatus() : (e.statusCode ?? e.status);
  return typeof s === 'number' ? s : undefined;
}

/** Express body-parser (`entity.parse.failed`, …) and Fastify content-type parser errors. */
function isParserError(err: unknown): boolean {
  const e = err as { type?: unknown; code?: unknown } | null;
  return (
    (typeof e?.type === 'string' && e.type.startsWith('entity.')) ||
    (typeof e?.code === 'string' && e.code.startsWith('FST_ERR_CTP_'))
  );
}
