import { withSign } from '../../../wire/src/signing/signature';
import {
  ADAPTERS,
  Answer,
  DEMO_MERCHANT,
  DEMO_SECRET,
  nowSeconds,
  post,
  request,
  signedBody,
} from '../../../../test/support/gateway';
import { useMinimalHost } from '../../../../test/support/minimal-host';
import { TestClock } from '../../../../test/support/test-clock';

const NOW = 1_718_000_000;

/** An envelope failure: HTTP 200, JSON, data null, a fresh traceId, nothing that looks like a stack. */
function expectFailure(answer: Answer, code: number, msg?: RegExp | string): void {
  expect(answer.status).toBe(200);
  expect(answer.contentType).toMatch(/^application\/json/);
  expect(answer.json).toEqual({
    code,
    msg: expect.any(String),
    data: null,
    traceId: expect.stringMatching(/^[A-Za-z0-9]{12}$/),
  });
  if (msg !== undefined) expect(answer.json.msg).toMatch(msg);
  expect(answer.text).not.toMatch(/\bat .+\.(js|ts):\d+|stack|Error:/);
  expect(answer.text).not.toContain('demo-wechat-app-secret');
}

describe.each(ADAPTERS)('envelope error codes over %s', (adapter) => {
  // Follows the wall clock; the reqTime window cases pin it.
  const clock = new TestClock();
  // The demo merchant (the default), and a strict-replay one for the repetitive-operation code.
  const STRICT = { ...DEMO_MERCHANT, mchNo: 'M_STRICT', appId: undefined, replay: 'reject' };
  const host = useMinimalHost(adapter, { override: { clock, merchants: [DEMO_MERCHANT, STRICT] } });
  afterEach(() => clock.release());

  describe('10005 body is not valid JSON / not an object', () => {
    it.each([
      ['broken JSON', '{"code":"x",'],
      ['a JSON array', '[{"code":"x"}]'],
      ['a JSON string', '"code"'],
      ['a JSON number', '42'],
      ['JSON null', 'null'],
      ['a JSON true', 'true'],
    ])('%s', async (_label, raw) => {
      for (const route of ['getWxAccessToken', 'getWxAuthUrl']) {
        expectFailure(await post(host.gw.baseUrl, route, raw), 10005, /JSON/);
      }
    });

    it('an empty body', async () => {
      // Both adapters say the same, though Express's parser reads an empty body as {}.
      expectFailure(await post(host.gw.baseUrl, 'getWxAccessToken', ''), 10005, /body is empty/);
    });
  });

  describe('10006 a field is missing or invalid, naming the field', () => {
    it.each([
      ['getWxAccessToken', 'code', { code: undefined }],
      ['getWxAccessToken', 'code', { code: '' }],
      ['getWxAccessToken', 'code', { code: 'c'.repeat(65) }],
      ['getWxAccessToken', 'clientIp', { code: 'C', clientIp: '999.1.1.1' }],
      ['getWxAccessToken', 'nonceStr', { code: 'C', nonceStr: 'n'.repeat(33) }],
      ['getWxAuthUrl', 'url', { url: undefined }],
      ['getWxAuthUrl', 'url', { url: 'not-a-url' }],
      ['getWxAuthUrl', 'url', { url: 'ftp://localhost/x' }],
      ['getWxAuthUrl', 'url', { url: `http://localhost/${'p'.repeat(190)}` }],
      ['getWxAuthUrl', 'state', { url: 'http://localhost/', state: 's'.repeat(129) }],
      ['getWxAuthUrl', 'scope', { url: 'http://localhost/', scope: 'snsapi_login' }],
    ])('%s: %s (%j)', async (route, field, fields) => {
      const body = signedBody(Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)));
      expectFailure(await post(host.gw.baseUrl, route, body), 10006, new RegExp(`^${field}\\b`));
    });

    it.each([
      ['missing', undefined, /^reqTime: is required/],
      ['a float', 1718000000.5, /^reqTime: must be an integer/],
      ['a negative number', -5, /^reqTime: must be an integer/],
      ['a word', 'now', /^reqTime: must be an integer/],
      // The relay's clock is pinned at NOW here, so the distances in the messages are exact.
      ['stale (400 s behind)', NOW - 400, /^reqTime: is 400 s behind the server clock \(at most 300 s allowed\)$/],
      ['one second too stale (301 s behind)', NOW - 301, /^reqTime: is 301 s behind the server clock/],
      [
        'in the future (120 s ahead)',
        NOW + 120,
        /^reqTime: is 120 s ahead of the server clock \(at most 60 s allowed\)$/,
      ],
      ['in milliseconds', NOW * 1000, /^reqTime: .*looks like milliseconds/],
    ])('reqTime %s', async (_label, value, msg) => {
      clock.pin(NOW);
      const fields: Record<string, string | number> = { code: 'C', nonceStr: 'n1' };
      if (value !== undefined) fields.reqTime = value;
      const body = withSign(fields, 'HMAC_SHA256', DEMO_SECRET);
      expectFailure(await post(host.gw.baseUrl, 'getWxAccessToken', body), 10006, msg);
    });

    it('sign missing for a merchant that requires it', async () => {
      expectFailure(
        await post(host.gw.baseUrl, 'getWxAccessToken', { code: 'C', reqTime: nowSeconds() }),
        10006,
        /^sign: is required/,
      );
    });

    it('sign not a string, or longer than 64', async () => {
      expectFailure(
        await post(host.gw.baseUrl, 'getWxAccessToken', { code: 'C', reqTime: nowSeconds(), sign: 12 }),
        10006,
        /^sign\b/,
      );
      expectFailure(
        await post(host.gw.baseUrl, 'getWxAccessToken', { code: 'C', reqTime: nowSeconds(), sign: 'a'.repeat(65) }),
        10006,
        /^sign\b/,
      );
    });

    it.each(['mchNo', 'appId'])('%s longer than 32 or not a string', async (field) => {
      expectFailure(
        await post(host.gw.baseUrl, 'getWxAccessToken', signedBody({ code: 'C', [field]: 'M'.repeat(33) })),
        10006,
        new RegExp(`^${field}\\b`),
      );
      expectFailure(
        await post(host.gw.baseUrl, 'getWxAccessToken', signedBody({ code: 'C', [field]: 7 })),
        10006,
        new RegExp(`^${field}\\b`),
      );
    });
  });

  it('29007 body larger than the limit (16 KiB)', async () => {
    const body = JSON.stringify(signedBody({ code: 'C', nonceStr: 'n', pad: 'x'.repeat(17 * 1024) }));
    expectFailure(await post(host.gw.baseUrl, 'getWxAccessToken', body), 29007, /larger than/);
  });

  describe('29008 content type is not application/json', () => {
    it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x'])(
      '%s',
      async (type) => {
        const body = JSON.stringify(signedBody({ code: 'C' }));
        expectFailure(
          await post(host.gw.baseUrl, 'getWxAccessToken', body, { 'content-type': type }),
          29008,
          /application\/json/,
        );
      },
    );

    it('no content type at all', async () => {
      const res = await fetch(`${host.gw.baseUrl}/unipay/assist/getWxAccessToken`, {
        method: 'POST',
        body: new Blob([JSON.stringify(signedBody({ code: 'C' }))]),
      });
      const text = await res.text();
      expect(res.status).toBe(200);
      expect(JSON.parse(text)).toMatchObject({ code: 29008, data: null });
    });

    it('accepts application/json with a charset and +json types', async () => {
      for (const type of ['application/json; charset=utf-8', 'APPLICATION/JSON']) {
        const answer = await post(host.gw.baseUrl, 'getWxAuthUrl', signedBody({ url: 'http://localhost/' }), {
          'content-type': type,
        });
        expect(answer.json).toMatchObject({ code: 0, data: { code: 0 } });
      }
    });
  });

  describe('29009 no such route or method', () => {
    it.each([
      ['GET', '/unipay/assist/getWxAccessToken'],
      ['PUT', '/unipay/assist/getWxAuthUrl'],
      ['DELETE', '/unipay/assist/getWxAuthUrl'],
      ['POST', '/unipay/assist/getWxOpenId'],
      ['POST', '/unipay/assist/'],
      ['GET', '/unipay/assist/getWxAuthUrl?x=1'],
    ])('%s %s', async (method, path) => {
      const body = method === 'GET' || method === 'DELETE' ? undefined : JSON.stringify(signedBody({ code: 'C' }));
      const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
      expectFailure(
        await request(host.gw.baseUrl, method, path, body, headers),
        29009,
        /POST getWxAccessToken or getWxAuthUrl/,
      );
    });

    it('a path outside the prefix keeps the framework default', async () => {
      const answer = await request(host.gw.baseUrl, 'GET', '/elsewhere');
      expect(answer.status).toBe(404);
      expect(answer.json).toMatchObject({ statusCode: 404 });
      expect(answer.json).not.toHaveProperty('traceId');
    });
  });

  describe('20052 signature verification failed', () => {
    it('signed with a wrong secret', async () => {
      expectFailure(
        await post(host.gw.baseUrl, 'getWxAccessToken', signedBody({ code: 'C' }, 'wrong-secret')),
        20052,
        /HMAC_SHA256/,
      );
    });

    it('signed with the wrong sign type (MD5 for an HMAC_SHA256 merchant)', async () => {
      expectFailure(
        await post(host.gw.baseUrl, 'getWxAccessToken', signedBody({ code: 'C' }, DEMO_SECRET, 'MD5')),
        20052,
      );
    });

    it('a field changed after signing', async () => {
      const body = signedBody({ url: 'http://localhost/a' });
      expectFailure(await post(host.gw.baseUrl, 'getWxAuthUrl', { ...body, url: 'http://localhost/b' }), 20052);
    });

    it('reqTime sent as a string but signed as a different number', async () => {
      const body = signedBody({ code: 'C' });
      expectFailure(
        await post(host.gw.baseUrl, 'getWxAccessToken', { ...body, reqTime: String((body.reqTime as number) - 1) }),
        20052,
      );
    });

    it('a sign that is not hex', async () => {
      expectFailure(
        await post(host.gw.baseUrl, 'getWxAccessToken', { ...signedBody({ code: 'C' }), sign: 'z'.repeat(64) }),
        20052,
      );
    });
  });

  describe('20023 unknown merchant', () => {
    it.each([{ mchNo: 'M9999999999' }, { appId: 'A9999999999' }, { mchNo: 'M1000000001', appId: 'A9999999999' }])(
      '%j',
      async (names) => {
        expectFailure(
          await post(host.gw.baseUrl, 'getWxAccessToken', signedBody({ code: 'C', ...names })),
          20023,
          /unknown merchant/,
        );
      },
    );

    it('the demo merchant by mchNo, appId or both', async () => {
      for (const names of [
        { mchNo: 'M1000000001' },
        { appId: 'A1000000001' },
        { mchNo: 'M1000000001', appId: 'A1000000001' },
      ]) {
        const answer = await post(host.gw.baseUrl, 'getWxAuthUrl', signedBody({ url: 'http://localhost/', ...names }));
        expect(answer.json).toMatchObject({ code: 0, data: { code: 0 } });
      }
    });
  });

  it('10007 the same signed request twice (a merchant with replay: reject)', async () => {
    const body = signedBody({ url: 'http://localhost/once', mchNo: 'M_STRICT' });
    const first = await post(host.gw.baseUrl, 'getWxAuthUrl', body);
    expect(first.json).toMatchObject({ code: 0, data: { code: 0 } });
    const second = await post(host.gw.baseUrl, 'getWxAuthUrl', body);
    expectFailure(second, 10007, /replayed/);
    expect(second.json.traceId).not.toBe(first.json.traceId);
  });

  it('a rejected request does not burn its sign: fixing nothing but the failure lets it through', async () => {
    // Bad sign first (not remembered), then the correctly signed request is accepted once.
    const body = signedBody({ url: 'http://localhost/later' });
    expectFailure(
      await post(host.gw.baseUrl, 'getWxAuthUrl', {
        ...body,
        sign: String(body.sign).replace(/^./, (c) => (c === 'a' ? 'b' : 'a')),
      }),
      20052,
    );
    expect((await post(host.gw.baseUrl, 'getWxAuthUrl', body)).json).toMatchObject({ code: 0 });
  });
});
