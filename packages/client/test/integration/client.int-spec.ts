import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  AssistBusinessError,
  AssistClientError,
  AssistEnvelopeError,
  AssistNetworkError,
  AssistSignatureError,
  UnipayAssistClient,
} from '../../src';
import { SignableFields } from '../../../wire/src/signing/sign-string';
import { SignType } from '../../../wire/src/signing/sign-type';
import { sign, verify } from '../../../wire/src/signing/signature';

const SECRET = '123456';
// SPEC.md "Public test vectors".
const SPEC_RESPONSE = { accessToken: 'ACCESS_TOKEN_X', code: 0, openId: 'oOPENID123', resTime: 1718000001 };
const SPEC_RESPONSE_SIGN: Record<'MD5' | 'HMAC_SHA256', string> = {
  MD5: '2a3197e22634ae3425736b8d5e29f8ee',
  HMAC_SHA256: 'c4f3513dc6796a54dc621bf5bfce821195dd7bf50dddcc6f69ebfddca94506eb',
};

interface Seen {
  path: string;
  contentType: string;
  body: Record<string, any>;
}

/** A node:http stand-in for the relay: records each request and answers what `reply` says. */
class FakeRelay {
  seen: Seen[] = [];
  reply: (seen: Seen, res: ServerResponse) => void = (_s, res) =>
    json(res, { code: 0, msg: 'success', data: null, traceId: 'T' });
  private server!: Server;
  baseUrl = '';

  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        const seen = {
          path: req.url ?? '',
          contentType: String(req.headers['content-type']),
          body: JSON.parse(raw || '{}'),
        };
        this.seen.push(seen);
        this.reply(seen, res);
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

function json(res: ServerResponse, body: unknown, status = 200): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(text);
}

function signedData(data: Record<string, unknown>, signType: SignType = 'HMAC_SHA256', secret = SECRET) {
  return { ...data, sign: sign(data as SignableFields, signType, secret) };
}

/** The client over real HTTP on loopback, against a node:http stand-in for the relay (its signing and entry: test/unit/client.spec.ts). */
describe('UnipayAssistClient against the SPEC vectors', () => {
  describe('answers', () => {
    const relay = new FakeRelay();
    beforeAll(() => relay.start());
    afterAll(() => relay.close());
    beforeEach(() => (relay.seen = []));

    it.each(['MD5', 'HMAC_SHA256'] as const)('accepts the SPEC response signed with %s', async (signType) => {
      relay.reply = (_s, res) =>
        json(res, {
          code: 0,
          msg: 'success',
          traceId: 'sNiSFTXDufTR',
          data: { ...SPEC_RESPONSE, sign: SPEC_RESPONSE_SIGN[signType] },
        });
      const c = new UnipayAssistClient({ baseUrl: relay.baseUrl, signSecret: SECRET, signType });
      await expect(c.getWxAccessToken({ code: 'C' })).resolves.toEqual({
        openId: 'oOPENID123',
        accessToken: 'ACCESS_TOKEN_X',
        traceId: 'sNiSFTXDufTR',
        resTime: 1718000001,
        sign: SPEC_RESPONSE_SIGN[signType],
      });
      expect(verify(relay.seen[0].body, signType, [SECRET])).toBe(0);
    });

    it('accepts data.code "0" as the seed page prints it', async () => {
      relay.reply = (_s, res) =>
        json(res, { code: 0, msg: 'success', traceId: 'T', data: signedData({ ...SPEC_RESPONSE, code: '0' }) });
      await expect(
        new UnipayAssistClient({ baseUrl: relay.baseUrl, signSecret: SECRET }).getWxAccessToken({ code: 'C' }),
      ).resolves.toMatchObject({
        openId: 'oOPENID123',
      });
    });

    it('rejects an answer whose sign was made with another secret or altered', async () => {
      const c = new UnipayAssistClient({ baseUrl: relay.baseUrl, signSecret: SECRET });
      relay.reply = (_s, res) =>
        json(res, { code: 0, msg: 'success', traceId: 'T1', data: signedData(SPEC_RESPONSE, 'HMAC_SHA256', 'other') });
      const err = await c.getWxAccessToken({ code: 'C' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AssistSignatureError);
      expect(err).toMatchObject({ reason: 'mismatch', traceId: 'T1' });

      relay.reply = (_s, res) =>
        json(res, {
          code: 0,
          msg: 'success',
          traceId: 'T',
          data: { ...SPEC_RESPONSE, openId: 'oATTACKER', sign: SPEC_RESPONSE_SIGN.HMAC_SHA256 },
        });
      await expect(c.getWxAccessToken({ code: 'C' })).rejects.toMatchObject({
        name: 'AssistSignatureError',
        reason: 'mismatch',
      });
    });

    it('rejects an unsigned answer, and a sign of the right secret but the wrong sign type', async () => {
      const c = new UnipayAssistClient({ baseUrl: relay.baseUrl, signSecret: SECRET });
      relay.reply = (_s, res) => json(res, { code: 0, msg: 'success', traceId: 'T', data: SPEC_RESPONSE });
      await expect(c.getWxAccessToken({ code: 'C' })).rejects.toMatchObject({
        name: 'AssistSignatureError',
        reason: 'unsigned',
      });
      relay.reply = (_s, res) => json(res, { code: 0, msg: 'success', traceId: 'T', data: null });
      await expect(c.getWxAccessToken({ code: 'C' })).rejects.toMatchObject({
        name: 'AssistSignatureError',
        reason: 'unsigned',
      });
      relay.reply = (_s, res) =>
        json(res, { code: 0, msg: 'success', traceId: 'T', data: { ...SPEC_RESPONSE, sign: SPEC_RESPONSE_SIGN.MD5 } });
      await expect(c.getWxAccessToken({ code: 'C' })).rejects.toMatchObject({
        name: 'AssistSignatureError',
        reason: 'mismatch',
      });
    });

    it('throws AssistBusinessError with the WeChat errcode for a signed business failure', async () => {
      const msg = 'the OAuth code is invalid (WeChat errcode 40029)';
      relay.reply = (_s, res) =>
        json(res, {
          code: 0,
          msg: 'success',
          traceId: 'T2',
          data: signedData({ code: 1, msg, wxErrcode: 40029, resTime: 1 }),
        });
      const err = (await new UnipayAssistClient({ baseUrl: relay.baseUrl, signSecret: SECRET })
        .getWxAccessToken({ code: 'C' })
        .catch((e: unknown) => e)) as AssistBusinessError;
      expect(err).toBeInstanceOf(AssistBusinessError);
      expect(err).toBeInstanceOf(AssistClientError);
      expect(err.wxErrcode).toBe(40029);
      expect(err.serverMessage).toBe(msg);
      expect(err.traceId).toBe('T2');
      expect(err.message).toContain('(WeChat errcode 40029)');
    });

    it('does not believe a business failure whose sign does not verify', async () => {
      relay.reply = (_s, res) =>
        json(res, {
          code: 0,
          msg: 'success',
          traceId: 'T',
          data: signedData({ code: 1, msg: 'x', wxErrcode: 40029, resTime: 1 }, 'HMAC_SHA256', 'nope'),
        });
      await expect(
        new UnipayAssistClient({ baseUrl: relay.baseUrl, signSecret: SECRET }).getWxAccessToken({ code: 'C' }),
      ).rejects.toBeInstanceOf(AssistSignatureError);
    });

    it.each([
      [20052, 'signature verification failed (HMAC_SHA256)', /rejected the signature/],
      [10006, 'reqTime is outside the allowed window', /rejected a field/],
      [10007, 'replayed request', /replay/],
      [29063, 'rate limit exceeded', /refused/],
    ])('throws AssistEnvelopeError for envelope code %i', async (code, msg, pattern) => {
      relay.reply = (_s, res) => json(res, { code, msg, data: null, traceId: 'T3' });
      const err = (await new UnipayAssistClient({ baseUrl: relay.baseUrl, signSecret: SECRET })
        .getWxAuthUrl({ url: 'http://localhost/' })
        .catch((e: unknown) => e)) as AssistEnvelopeError;
      expect(err).toBeInstanceOf(AssistEnvelopeError);
      expect(err.code).toBe(code);
      expect(err.serverMessage).toBe(msg);
      expect(err.traceId).toBe('T3');
      expect(err.message).toMatch(pattern);
      expect(err.message).toContain(`code ${code}`);
    });

    it('posts JSON to <baseUrl>/<routePrefix>/<route> with merchant, reqTime, nonceStr and a sign over exactly what is sent', async () => {
      relay.reply = (s, res) =>
        json(res, {
          code: 0,
          msg: 'success',
          traceId: 'T',
          data: signedData({ code: 0, url: `https://wx/?state=${s.body.state}`, resTime: 5 }),
        });
      const c = new UnipayAssistClient({
        baseUrl: `${relay.baseUrl}/`,
        routePrefix: '/pay/assist/',
        mchNo: 'M1',
        appId: 'A1',
        signSecret: SECRET,
      });
      const before = Math.floor(Date.now() / 1000);
      const out = await c.getWxAuthUrl({ url: 'http://localhost:3000/p', state: 's1', scope: 'snsapi_userinfo' });
      expect(out).toEqual({
        url: 'https://wx/?state=s1',
        traceId: 'T',
        resTime: 5,
        sign: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      const [seen] = relay.seen;
      expect(seen.path).toBe('/pay/assist/getWxAuthUrl');
      expect(seen.contentType).toBe('application/json');
      expect(Object.keys(seen.body).sort()).toEqual([
        'appId',
        'mchNo',
        'nonceStr',
        'reqTime',
        'scope',
        'sign',
        'state',
        'url',
      ]);
      expect(seen.body).toMatchObject({
        mchNo: 'M1',
        appId: 'A1',
        url: 'http://localhost:3000/p',
        state: 's1',
        scope: 'snsapi_userinfo',
      });
      expect(seen.body.reqTime).toBeGreaterThanOrEqual(before);
      expect(seen.body.nonceStr).toMatch(/^[0-9a-f]{32}$/);
      expect(verify(seen.body, 'HMAC_SHA256', [SECRET])).toBe(0);
      // The secret is only a key of the sign, never a field.
      expect(JSON.stringify(seen.body)).not.toMatch(/key=|signSecret|123456/);
    });

    it('leaves absent optional fields out of the body and the sign, and shows the signed body to onRequest', async () => {
      relay.reply = (_s, res) =>
        json(res, { code: 0, msg: 'success', traceId: 'T', data: signedData({ code: 0, url: 'u', resTime: 5 }) });
      const shown: Array<[string, Record<string, unknown>]> = [];
      await new UnipayAssistClient({ baseUrl: relay.baseUrl, signSecret: SECRET }).getWxAuthUrl(
        { url: 'http://localhost/' },
        { onRequest: (route, body) => shown.push([route, { ...body }]) },
      );
      expect(Object.keys(relay.seen[0].body).sort()).toEqual(['nonceStr', 'reqTime', 'sign', 'url']);
      expect(shown).toEqual([['getWxAuthUrl', relay.seen[0].body]]);
    });

    it('gives each request a fresh nonceStr, so two calls in one second are not replays', async () => {
      relay.reply = (_s, res) =>
        json(res, { code: 0, msg: 'success', traceId: 'T', data: signedData({ code: 0, url: 'u', resTime: 5 }) });
      const c = new UnipayAssistClient({ baseUrl: relay.baseUrl, signSecret: SECRET });
      await Promise.all([c.getWxAuthUrl({ url: 'http://a/' }), c.getWxAuthUrl({ url: 'http://a/' })]);
      expect(relay.seen[0].body.sign).not.toBe(relay.seen[1].body.sign);
    });

    it('verifies SM3 answers too', async () => {
      relay.reply = (_s, res) =>
        json(res, { code: 0, msg: 'success', traceId: 'T', data: signedData(SPEC_RESPONSE, 'SM3') });
      const c = new UnipayAssistClient({ baseUrl: relay.baseUrl, signSecret: SECRET, signType: 'SM3' });
      await expect(c.getWxAccessToken({ code: 'C' })).resolves.toMatchObject({ openId: 'oOPENID123' });
      expect(verify(relay.seen[0].body, 'SM3', [SECRET])).toBe(0);
    });

    it('throws AssistNetworkError(timeout) when the relay does not answer in time', async () => {
      relay.reply = () => undefined; // never answers
      const err = await new UnipayAssistClient({ baseUrl: relay.baseUrl, signSecret: SECRET, timeoutMs: 200 })
        .getWxAccessToken({ code: 'C' })
        .catch((e: unknown) => e);
      // The relay never answers: only the client's own 200 ms timer can end the call (no duration measured).
      expect(err).toBeInstanceOf(AssistNetworkError);
      expect(err).toMatchObject({ reason: 'timeout' });
      expect((err as Error).message).toContain('200 ms');
    });

    it('throws AssistNetworkError(http) for a non-envelope error status and (body) for a non-envelope 200', async () => {
      relay.reply = (_s, res) => {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<h1>Bad Gateway</h1>');
      };
      const c = new UnipayAssistClient({ baseUrl: relay.baseUrl, signSecret: SECRET });
      await expect(c.getWxAccessToken({ code: 'C' })).rejects.toMatchObject({
        name: 'AssistNetworkError',
        reason: 'http',
        status: 502,
      });
      relay.reply = (_s, res) => json(res, ['not', 'an', 'envelope']);
      await expect(c.getWxAccessToken({ code: 'C' })).rejects.toMatchObject({
        name: 'AssistNetworkError',
        reason: 'body',
        status: 200,
      });
    });

    it('an external abort signal stops the call and is reported as a network error, not a timeout', async () => {
      relay.reply = () => undefined;
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 50);
      await expect(
        new UnipayAssistClient({ baseUrl: relay.baseUrl, signSecret: SECRET, timeoutMs: 5000 }).getWxAccessToken(
          { code: 'C' },
          { signal: ac.signal },
        ),
      ).rejects.toMatchObject({ name: 'AssistNetworkError', reason: 'network' });
    });
  });

  it('throws AssistNetworkError(network) when nothing listens', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((r) => server.close(() => r()));
    const err = await new UnipayAssistClient({ baseUrl: `http://127.0.0.1:${port}`, signSecret: SECRET })
      .getWxAuthUrl({ url: 'http://localhost/' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AssistNetworkError', reason: 'network' });
    expect((err as Error).message).toContain('ECONNREFUSED');
  });

  it('during a rotation signs with the first secret and accepts answers signed with any', async () => {
    const relay = new FakeRelay();
    await relay.start();
    try {
      const c = new UnipayAssistClient({ baseUrl: relay.baseUrl, signSecret: ['new-secret', 'old-secret'] });
      relay.reply = (_s, res) =>
        json(res, {
          code: 0,
          msg: 'success',
          traceId: 'T',
          data: signedData({ code: 0, url: 'u', resTime: 1 }, 'HMAC_SHA256', 'old-secret'),
        });
      await expect(c.getWxAuthUrl({ url: 'http://a/' })).resolves.toMatchObject({ url: 'u' });
      expect(verify(relay.seen[0].body, 'HMAC_SHA256', ['new-secret'])).toBe(0);
      relay.reply = (_s, res) =>
        json(res, {
          code: 0,
          msg: 'success',
          traceId: 'T',
          data: signedData({ code: 0, url: 'u', resTime: 1 }, 'HMAC_SHA256', 'third'),
        });
      await expect(c.getWxAuthUrl({ url: 'http://a/' })).rejects.toMatchObject({
        name: 'AssistSignatureError',
        reason: 'mismatch',
      });
    } finally {
      await relay.close();
    }
  });
});
