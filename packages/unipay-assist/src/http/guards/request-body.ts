import { AssistException } from '../../kernel/assist.exception';
import { AssistErrorCode } from '@unipay-assist/wire';
import { isRecord } from '@unipay-assist/wire';

export interface IncomingRequest {
  body?: unknown;
  headers: Record<string, unknown>;
}

/** The parsed JSON body; anything but an object is 10005 (or 29008 for another content type). */
export function readJsonBody(req: IncomingRequest): Record<string, unknown> {
  const header = req.headers['content-type'];
  const type = typeof header === 'string' ? header : '';
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new AssistException(AssistErrorCode.UNSUPPORTED_MEDIA_TYPE, 'content type must be application/json');
  }
  // JSON is UTF-8 (RFC 8259); Fastify would otherwise accept any declared charset.
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(type)?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    throw new AssistException(
      AssistErrorCode.UNSUPPORTED_MEDIA_TYPE,
      'content type must be application/json with charset utf-8',
    );
  }
  // Express parses an empty JSON body to {}; say what Fastify says, so both adapters agree.
  if (req.headers['content-length'] === '0') {
    throw new AssistException(AssistErrorCode.BAD_JSON, 'body is empty: send a JSON object');
  }
  if (!isRecord(req.body)) throw new AssistException(AssistErrorCode.BAD_JSON, 'body must be a JSON object');
  return req.body;
}
