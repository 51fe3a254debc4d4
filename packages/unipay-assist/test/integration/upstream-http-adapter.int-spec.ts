import axios, { AxiosError, AxiosInstance } from 'axios';
import { once } from 'node:events';
import { Agent, createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, createServer as createTcpServer, Socket } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { upstreamHttpAdapter } from '../../src/wechat/upstream-http.adapter';

/** What the server saw of one request. */
interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  socket: Socket;
}

/** The relay's call shape, as WechatOAuthService and DouyinOAuthService make it. */
const RELAY_CALL = {
  responseType: 'text' as const,
  transformResponse: (body: unknown) => body,
  validateStatus: () => true,
  maxRedirects: 0,
  proxy: false as const,
  maxContentLength: 1024,
  timeout: 2000,
};

async function listen(server: Server | ReturnType<typeof createTcpServer>, host = '127.0.0.1'): Promise<string> {
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

async function failure(promise: Promise<unknown>): Promise<AxiosError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AxiosError);
  return err as AxiosError;
}

describe('upstreamHttpAdapter (integration: real sockets on 127.0.0.1)', () => {
  const seen: Seen[] = [];
  let handler: (req: IncomingMessage, res: ServerResponse) => void;
  let server: Server;
  let base: string;
  let agent: Agent;
  let http: AxiosInstance;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, socket: req.socket });
        handler(req, res);
      });
    });
    server.on('connection', (s: Socket) => sockets.add(s));
    base = await listen(server);
  });

  beforeEach(() => {
    seen.length = 0;
    handler = (_req, res) => {
      res.setHeader('content-type', 'text/plain');
      res.end('{"openid":"o1"}');
    };
    agent = new Agent({ keepAlive: true, maxSockets: 4 });
    http = axios.create({ adapter: upstreamHttpAdapter, httpAgent: agent });
  });

  afterEach(() => agent.destroy());

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    server.close();
    await once(server, 'close');
  });

  it('GET: the answer as text with its status and headers, the query as written, and one kept-alive socket for calls in a row', async () => {
    const answers = [];
    for (let i = 0; i < 3; i++)
      answers.push(await http.get<string>(`${base}/sns/oauth2/access_token?appid=a&code=c%2F${i}`, RELAY_CALL));
    expect(answers.map((a) => [a.status, a.data, a.headers['content-type']])).toEqual([
      [200, '{"openid":"o1"}', 'text/plain'],
      [200, '{"openid":"o1"}', 'text/plain'],
      [200, '{"openid":"o1"}', 'text/plain'],
    ]);
    expect(seen.map((s) => [s.method, s.url, s.body])).toEqual([
      ['GET', '/sns/oauth2/access_token?appid=a&code=c%2F0', ''],
      ['GET', '/sns/oauth2/access_token?appid=a&code=c%2F1', ''],
      ['GET', '/sns/oauth2/access_token?appid=a&code=c%2F2', ''],
    ]);
    expect(new Set(seen.map((s) => s.socket)).size).toBe(1);
    // The lean path sent it: axios's own adapter adds its User-Agent.
    expect(seen[0].headers['user-agent']).toBeUndefined();
  });

  it("POST: the string body with its length and the caller's content type", async () => {
    const body = JSON.stringify({ component_appid: 'wx', 名: '值' });
    await http.post(`${base}/cgi-bin/component/api_component_token`, body, {
      ...RELAY_CALL,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(seen).toHaveLength(1);
    expect(seen[0].method).toBe('POST');
    expect(seen[0].body).toBe(body);
    expect(seen[0].headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(seen[0].headers['content-type']).toBe('application/json');
  });

  it("validateStatus decides as axios's adapter does: a refused 4xx is ERR_BAD_REQUEST, a 5xx ERR_BAD_RESPONSE, with the response", async () => {
    handler = (req, res) => {
      res.statusCode = req.url === '/404' ? 404 : 503;
      res.end('no');
    };
    const strict = { ...RELAY_CALL, validateStatus: (s: number) => s < 300 };
    const notFound = await failure(http.get(`${base}/404`, strict));
    expect([notFound.code, notFound.response?.status, notFound.response?.data]).toEqual(['ERR_BAD_REQUEST', 404, 'no']);
    const down = await failure(http.get(`${base}/503`, strict));
    expect([down.code, down.response?.status]).toEqual(['ERR_BAD_RESPONSE', 503]);
    // The relay's own validateStatus takes every status: the service maps them.
    expect((await http.get(`${base}/503`, RELAY_CALL)).status).toBe(503);
  });

  it('timeout bounds the whole call: a server that never answers, and one that drips its answer, are ECONNABORTED', async () => {
    const open: ServerResponse[] = [];
    handler = (req, res) => {
      open.push(res);
      if (req.url === '/drip') {
        res.writeHead(200, { 'content-length': '1000' });
        const drip = setInterval(() => (res.writableEnded ? clearInterval(drip) : res.write('x')), 20);
        res.on('close', () => clearInterval(drip));
      }
    };
    const silent = await failure(http.get(`${base}/silent`, { ...RELAY_CALL, timeout: 200 }));
    expect([silent.code, silent.message]).toEqual(['ECONNABORTED', 'timeout of 200ms exceeded']);
    const drip = await failure(http.get(`${base}/drip`, { ...RELAY_CALL, timeout: 300, maxContentLength: 10_000 }));
    expect(drip.code).toBe('ECONNABORTED');
    for (const r of open) r.destroy();
  });

  it('an answer over maxContentLength is ERR_BAD_RESPONSE, and the next call is answered', async () => {
    handler = (_req, res) => res.end('x'.repeat(4096));
    const big = await failure(http.get(`${base}/big`, RELAY_CALL));
    expect([big.code, big.message]).toEqual(['ERR_BAD_RESPONSE', 'maxContentLength size of 1024 exceeded']);
    handler = (_req, res) => res.end('ok');
    expect((await http.get<string>(`${base}/next`, RELAY_CALL)).data).toBe('ok');
  });

  it('an answer cut off before its end is ERR_BAD_RESPONSE', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"openid":');
      setImmediate(() => res.socket?.destroy());
    };
    expect((await failure(http.get(`${base}/cut`, RELAY_CALL))).code).toBe('ERR_BAD_RESPONSE');
  });

  it("gzip, deflate and br answers are decoded, as axios's adapter decodes them", async () => {
    const encoders = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync };
    for (const [encoding, encode] of Object.entries(encoders)) {
      handler = (_req, res) => {
        res.setHeader('content-encoding', encoding);
        res.end(encode(`{"openid":"${encoding}"}`));
      };
      expect((await http.get<string>(`${base}/${encoding}`, RELAY_CALL)).data).toBe(`{"openid":"${encoding}"}`);
    }
    handler = (_req, res) => {
      res.setHeader('content-encoding', 'gzip');
      res.end('not gzip at all');
    };
    expect((await failure(http.get(`${base}/bad-gz`, RELAY_CALL))).code).toBe('ERR_BAD_RESPONSE');
  });

  it("transport errors keep Node's code: a closed port is ECONNREFUSED, a server that does not speak HTTP an HPE_ code", async () => {
    const closed = createServer();
    const closedBase = await listen(closed);
    closed.close();
    await once(closed, 'close');
    expect((await failure(http.get(`${closedBase}/`, RELAY_CALL))).code).toBe('ECONNREFUSED');

    const garbage = createTcpServer((s) => s.end('SSH-2.0-OpenSSH_9.6\r\n\r\n'));
    const garbageBase = await listen(garbage);
    try {
      expect((await failure(http.get(`${garbageBase}/`, RELAY_CALL))).code).toMatch(/^HPE_/);
    } finally {
      garbage.close();
    }
  });

  it('reaches an IPv6 literal host', async () => {
    const v6 = createServer((_req, res) => res.end('six'));
    let v6Base: string;
    try {
      v6Base = await listen(v6, '::1');
    } catch {
      // No IPv6 loopback on this machine: nothing to check here.
      return;
    }
    try {
      expect((await http.get<string>(`${v6Base}/`, RELAY_CALL)).data).toBe('six');
    } finally {
      v6.closeAllConnections();
      v6.close();
    }
  });

  it("any other shape goes to axios's own adapter unchanged: params, a proxy left to the environment, a JSON answer", async () => {
    handler = (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end('{"n":1}');
    };
    const withParams = await http.get(`${base}/p`, { ...RELAY_CALL, params: { a: 'b c' } });
    expect(withParams.data).toBe('{"n":1}');
    const proxyFromEnv = await http.get(`${base}/e`, { ...RELAY_CALL, proxy: undefined });
    expect(proxyFromEnv.status).toBe(200);
    const json = await http.get<{ n: number }>(`${base}/j`, { proxy: false });
    expect(json.data).toEqual({ n: 1 });
    expect(seen.map((s) => s.url)).toEqual(['/p?a=b+c', '/e', '/j']);
    for (const s of seen) expect(s.headers['user-agent']).toMatch(/^axios\//);
  });
});
