import { AxiosAdapter, AxiosError, AxiosHeaders, AxiosResponse, getAdapter, InternalAxiosRequestConfig } from 'axios';
import { Agent as HttpAgent, IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

/** axios's own Node adapter: what every call the lean path does not cover goes through. */
const axiosHttpAdapter = getAdapter('http');

/**
 * The axios adapter of the module's HttpModule: the relay's calls to WeChat,
 * Alipay's gateway and Douyin go through `HttpService.axiosRef` as before
 * (config merging, interceptors, transforms, `validateStatus`), and only the
 * last step, the HTTP request itself, is this one.
 *
 * Why: those calls all have one shape (an absolute URL, a GET or a POST of a
 * string, the answer as text, no redirect, no proxy), and axios's general
 * Node adapter costs about 60 µs of CPU more per call than `node:http` for
 * it, most of it in setting keep-alive on the socket for every request
 * (a system call), redirect and proxy handling and its stream plumbing: a
 * tenth of getWxAccessToken's CPU. Any other shape (a proxy from the
 * environment, a redirect to follow, params, a stream, a cancel signal,
 * another response type) goes to axios's adapter unchanged.
 *
 * Same answers and errors as axios's adapter for that shape: the response's
 * status, headers and text; `validateStatus` through the same rule; a
 * transport error as an AxiosError keeping Node's code (ECONNREFUSED,
 * HPE_*); `maxContentLength` as ERR_BAD_RESPONSE; gzip, deflate and br
 * bodies decoded. One difference, on purpose: `timeout` bounds the whole
 * call (connect, send, answer), where axios bounds the connection phase and
 * then each silence on the socket. The exchange claim's lifetime is derived
 * from one call taking at most `timeout`; a server that drips its answer
 * must not stretch a call past it.
 */
export const upstreamHttpAdapter: AxiosAdapter = (config) =>
  coversCall(config) ? send(config) : axiosHttpAdapter(config);

/** The one shape the relay's upstream calls have; anything else is axios's adapter's. */
function coversCall(c: InternalAxiosRequestConfig): boolean {
  return (
    c.proxy === false &&
    c.maxRedirects === 0 &&
    c.responseType === 'text' &&
    (c.data === undefined || typeof c.data === 'string') &&
    typeof c.url === 'string' &&
    /^https?:\/\//i.test(c.url) &&
    c.baseURL === undefined &&
    c.params === undefined &&
    c.auth === undefined &&
    c.signal === undefined &&
    c.cancelToken === undefined &&
    c.socketPath == null &&
    c.onUploadProgress === undefined &&
    c.onDownloadProgress === undefined &&
    c.decompress !== false
  );
}

function send(config: InternalAxiosRequestConfig): Promise<AxiosResponse<string>> {
  return new Promise((resolve, reject) => {
    const url = new URL(config.url!);
    const tls = url.protocol === 'https:';
    const headers = config.headers.toJSON(true);
    const data = config.data as string | undefined;
    if (data !== undefined) headers['Content-Length'] = String(Buffer.byteLength(data));
    const method = (config.method ?? 'get').toUpperCase();
    const options = {
      protocol: url.protocol,
      hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      method,
      headers,
      agent: (tls ? config.httpsAgent : config.httpAgent) as HttpAgent | HttpsAgent | undefined,
    };
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    // The call ends once, by whichever comes first: the answer, an error, the timeout.
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      if (timer) clearTimeout(timer);
      return true;
    };
    const fail = (err: AxiosError) => {
      if (!finish()) return;
      req.destroy();
      reject(err);
    };
    const req = (tls ? httpsRequest : httpRequest)(options, (res) => {
      const limit =
        config.maxContentLength !== undefined && config.maxContentLength > -1 ? config.maxContentLength : Infinity;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          fail(new AxiosError(`maxContentLength size of ${limit} exceeded`, AxiosError.ERR_BAD_RESPONSE, config, req));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (err) => fail(AxiosError.from(err, AxiosError.ERR_BAD_RESPONSE, config, req)));
      res.on('close', () => {
        if (!res.complete) fail(new AxiosError('stream has been aborted', AxiosError.ERR_BAD_RESPONSE, config, req));
      });
      res.on('end', () => {
        if (settled) return;
        let body: string;
        try {
          body = decode(res, Buffer.concat(chunks, size)).toString(
            (config.responseEncoding as BufferEncoding | undefined) ?? 'utf8',
          );
        } catch (err) {
          fail(AxiosError.from(err, AxiosError.ERR_BAD_RESPONSE, config, req));
          return;
        }
        finish();
        const response: AxiosResponse<string> = {
          data: body,
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          headers: new AxiosHeaders(res.headers as Record<string, string>),
          config,
          request: req,
        };
        settleResponse(resolve, reject, response);
      });
    });
    req.on('error', (err) => fail(AxiosError.from(err, undefined, config, req)));
    const timeout = Number(config.timeout ?? 0);
    if (timeout > 0) {
      timer = setTimeout(
        () =>
          fail(
            new AxiosError(
              config.timeoutErrorMessage ?? `timeout of ${timeout}ms exceeded`,
              config.transitional?.clarifyTimeoutError ? AxiosError.ETIMEDOUT : AxiosError.ECONNABORTED,
              config,
              req,
            ),
          ),
        timeout,
      );
    }
    req.end(data);
  });
}

/** The body as the server sent it, decoded when it says it is compressed (axios's adapter does the same). */
function decode(res: IncomingMessage, body: Buffer): Buffer {
  if (body.length === 0) return body;
  switch ((res.headers['content-encoding'] ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
    case 'compress':
    case 'x-compress':
      return gunzipSync(body);
    case 'deflate':
      return inflateSync(body);
    case 'br':
      return brotliDecompressSync(body);
    default:
      return body;
  }
}

/** axios's settle: resolve unless `validateStatus` refuses the status. */
function settleResponse(
  resolve: (r: AxiosResponse<string>) => void,
  reject: (e: AxiosError) => void,
  response: AxiosResponse<string>,
): void {
  const validateStatus = response.config.validateStatus;
  if (!response.status || !validateStatus || validateStatus(response.status)) {
    resolve(response);
    return;
  }
  reject(
    new AxiosError(
      `Request failed with status code ${response.status}`,
      response.status >= 400 && response.status < 500 ? AxiosError.ERR_BAD_REQUEST : AxiosError.ERR_BAD_RESPONSE,
      response.config,
      response.request,
      response,
    ),
  );
}
