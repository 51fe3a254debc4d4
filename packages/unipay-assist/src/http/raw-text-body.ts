import { AssistException } from '../kernel/assist.exception';
import { AssistErrorCode } from '@unipay-assist/wire';

interface RawRequest {
  body?: unknown;
  headers: Record<string, unknown>;
  readable?: boolean;
  on?: (event: string, listener: (...args: unknown[]) => void) => unknown;
  /** Fastify's request: the Node request is `raw`. */
  raw?: RawRequest;
}

/**
 * The body of a push as text, over either adapter: Fastify hands the string
 * its XML parser made (XmlBodyParser); Express leaves a text/xml body unread
 * (its JSON and form parsers skip it), so the stream is read here, up to
 * `limit` bytes; a host parser that made a string or Buffer is taken as is.
 */
export async function readRawTextBody(req: RawRequest, limit: number): Promise<string> {
  if (typeof req.body === 'string') return req.body;
  if (Buffer.isBuffer(req.body)) return req.body.toString('utf8');
  const stream = req.raw ?? req;
  if (!stream.readable || typeof stream.on !== 'function') return '';
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on?.('data', (...args: unknown[]) => {
      const chunk = args[0] as Buffer;
      size += chunk.length;
      if (size > limit) {
        reject(new AssistException(AssistErrorCode.BODY_TOO_LARGE, `body larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    stream.on?.('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on?.('error', () => reject(new AssistException(AssistErrorCode.BAD_JSON, 'the body could not be read')));
  });
}
