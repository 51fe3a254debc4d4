import { ADAPTERS, nowSeconds, post, RunningGateway, signedBody, startGateway } from '../../../../test/support/gateway';
import { useMinimalHost } from '../../../../test/support/minimal-host';
import { envelopeProblem, RawAnswer, rawRequest } from '../../../../test/support/raw-http';

const JSON_HEADERS = { 'content-type': 'application/json' };
const TOKEN = '/unipay/assist/getWxAccessToken';
const AUTH = '/unipay/assist/getWxAuthUrl';

interface Case {
  name: string;
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Expected envelope code (or codes), and a fragment the msg must contain. */
  code: number | number[];
  msg: RegExp;
}

/** A validly signed token body with one field replaced after signing (the guard or the DTO must catch it). */
function tampered(fields: Record<string, unknown>, drop: string[] = []): string {
  const body: Record<string, unknown> = { ...signedBody({ code: 'CODE' }), ...fields };
  for (const d of drop) delete body[d];
  return JSON.stringify(body);
}
/** A validly signed body over the given fields (so the DTO, not the sign check, answers). */
const signed = (fields: Record<string, unknown>) => JSON.stringify(signedBody(fields));

function cases(): Case[] {
  const now = nowSeconds();
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
  return [
    // Not an object
    { name: 'empty body', body: '', code: 10005, msg: /body is empty/ },
    // Express's strict parser refuses non-object roots itself; Fastify parses them and the guard refuses.
    { name: 'null', body: 'null', code: 10005, msg: /JSON/ },
    { name: 'array', body: '[1,2,3]', code: 10005, msg: /JSON object/ },
    { name: 'empty array', body: '[]', code: 10005, msg: /JSON object/ },
    { name: 'number', body: '42', code: 10005, msg: /JSON/ },
    { name: 'string', body: '"hello"', code: 10005, msg: /JSON/ },
    { name: 'true', body: 'true', code: 10005, msg: /JSON/ },
    { name: 'truncated JSON', body: '{"code":"x"', code: 10005, msg: /not valid JSON/ },
    { name: 'trailing comma', body: '{"code":"x",}', code: 10005, msg: /not valid JSON/ },
    { name: 'single quotes', body: "{'code':'x'}", code: 10005, msg: /not valid JSON/ },
    { name: 'NaN literal', body: '{"reqTime":NaN}', code: 10005, msg: /not valid JSON/ },
    { name: 'BOM + garbage', body: '\ufeff\u0000\u0001', code: 10005, msg: /JSON/ },
    // reqTime
    { name: 'missing reqTime', body: tampered({}, ['reqTime']), code: 10006, msg: /reqTime/ },
    { name: 'reqTime true', body: tampered({ reqTime: true }), code: 10006, msg: /reqTime/ },
    { name: 'reqTime object', body: tampered({ reqTime: { a: 1 } }), code: 10006, msg: /reqTime/ },
    { name: 'reqTime array', body: tampered({ reqTime: [now] }), code: 10006, msg: /reqTime/ },
    { name: 'reqTime text', body: tampered({ reqTime: 'yesterday' }), code: 10006, msg: /reqTime/ },
    { name: 'reqTime negative', body: tampered({ reqTime: -1 }), code: 10006, msg: /reqTime/ },
    { name: 'reqTime float', body: tampered({ reqTime: now + 0.5 }), code: 10006, msg: /reqTime/ },
    { name: 'reqTime float string', body: tampered({ reqTime: `${now}.5` }), code: 10006, msg: /reqTime/ },
    { name: 'reqTime milliseconds', body: tampered({ reqTime: now * 1000 }), code: 10006, msg: /milliseconds/ },
    { name: 'reqTime huge', body: `{"code":"x","reqTime":1e308,"sign":"a"}`, code: 10006, msg: /reqTime/ },
    { name: 'reqTime overflow', body: `{"code":"x","reqTime":1e400,"sign":"a"}`, code: 10006, msg: /reqTime/ },
    {
      name: 'reqTime 30 digits',
      body: `{"code":"x","reqTime":123456789012345678901234567890,"sign":"a"}`,
      code: 10006,
      msg: /reqTime/,
    },
    { name: 'reqTime old', body: tampered({ reqTime: now - 100_000 }), code: 10006, msg: /behind the server clock/ },
    // sign
    { name: 'sign missing', body: tampered({}, ['sign']), code: 10006, msg: /sign/ },
    { name: 'sign number', body: tampered({ sign: 12345 }), code: 10006, msg: /sign/ },
    { name: 'sign object', body: tampered({ sign: { a: 1 } }), code: 10006, msg: /sign/ },
    { name: 'sign too long', body: tampered({ sign: 'a'.repeat(65) }), code: 10006, msg: /sign/ },
    { name: 'sign wrong', body: tampered({ sign: 'a'.repeat(64) }), code: 20052, msg: /signature/ },
    { name: 'field changed after signing', body: tampered({ code: 'OTHER' }), code: 20052, msg: /signature/ },
    // merchant
    { name: 'mchNo number', body: tampered({ mchNo: 123 }), code: 10006, msg: /mchNo/ },
    { name: 'mchNo object', body: tampered({ mchNo: { $ne: null } }), code: 10006, msg: /mchNo/ },
    { name: 'mchNo too long', body: tampered({ mchNo: 'M'.repeat(33) }), code: 10006, msg: /mchNo/ },
    { name: 'mchNo unknown', body: tampered({ mchNo: 'NOPE' }), code: 20023, msg: /unknown merchant/ },
    { name: 'appId array', body: tampered({ appId: ['A1000000001'] }), code: 10006, msg: /appId/ },
    // DTO fields, validly signed
    { name: 'code missing', body: signed({}), code: 10006, msg: /code is required/ },
    { name: 'code number', body: signed({ code: 12345 }), code: 10006, msg: /code/ },
    { name: 'code blank', body: signed({ code: '   ' }), code: 10006, msg: /code/ },
    { name: 'code array', body: signed({ code: ['a'] }), code: 10006, msg: /code/ },
    { name: 'code too long', body: signed({ code: 'c'.repeat(65) }), code: 10006, msg: /code/ },
    { name: 'code very long', body: signed({ code: 'c'.repeat(12_000) }), code: 10006, msg: /code/ },
    { name: 'clientIp not an IP', body: signed({ code: 'x', clientIp: '999.1.1.1' }), code: 10006, msg: /clientIp/ },
    { name: 'clientIp number', body: signed({ code: 'x', clientIp: 2130706433 }), code: 10006, msg: /clientIp/ },
    { name: 'nonceStr too long', body: signed({ code: 'x', nonceStr: 'n'.repeat(33) }), code: 10006, msg: /nonceStr/ },
    { name: 'nonceStr object', body: signed({ code: 'x', nonceStr: { a: 1 } }), code: 10006, msg: /nonceStr/ },
    { name: 'url missing', path: AUTH, body: signed({}), code: 10006, msg: /url is required/ },
    { name: 'url javascript', path: AUTH, body: signed({ url: 'javascript:alert(1)' }), code: 10006, msg: /url/ },
    { name: 'url relative', path: AUTH, body: signed({ url: '/pay' }), code: 10006, msg: /url/ },
    { name: 'url number', path: AUTH, body: signed({ url: 42 }), code: 10006, msg: /url/ },
    {
      name: 'url too long',
      path: AUTH,
      body: signed({ url: `http://localhost/${'a'.repeat(300)}` }),
      code: 10006,
      msg: /url/,
    },
    {
      name: 'url foreign host',
      path: AUTH,
      body: signed({ url: 'https://evil.example/' }),
      code: 29062,
      msg: /allow-list/,
    },
    {
      name: 'state too long',
      path: AUTH,
      body: signed({ url: 'http://localhost/', state: 's'.repeat(129) }),
      code: 10006,
      msg: /state/,
    },
    {
      name: 'scope unknown',
      path: AUTH,
      body: signed({ url: 'http://localhost/', scope: 'snsapi_admin' }),
      code: 10006,
      msg: /scope/,
    },
    // Structure
    {
      name: 'deep nesting (5000 levels) in an unknown field, badly signed',
      body: tampered({ sign: 'b'.repeat(64) }).replace(/}$/, `,"junk":${deep(5000)}}`),
      code: 20052,
      msg: /signature/,
    },
    {
      name: 'deep nesting in a known field',
      body: tampered({ code: 'x' }).replace('"code":"x"', `"code":${deep(5000)}`),
      code: 10006,
      msg: /code/,
    },
    {
      name: 'deep objects (2500 levels)',
      body: `{"reqTime":${now},"code":"x","sign":"a","n":${'{"a":'.repeat(2500)}1${'}'.repeat(2500)}}`,
      code: 20052,
      msg: /signature/,
    },
    {
      name: 'duplicate keys (last wins, sign no longer matches)',
      body: tampered({}).replace(/}$/, ',"code":"OTHER"}'),
      code: 20052,
      msg: /signature/,
    },
    {
      name: 'many keys',
      body: `{${Array.from({ length: 1000 }, (_, i) => `"k${i}":${i}`).join(',')}}`,
      code: 10006,
      msg: /reqTime/,
    },
    {
      name: 'invalid UTF-8',
      body: Buffer.concat([
        Buffer.from('{"code":"'),
        Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
        Buffer.from(`","reqTime":${now},"sign":"a"}`),
      ]),
      code: 20052,
      msg: /signature/,
    },
    {
      name: 'lone surrogate escape',
      body: `{"code":"\\ud800","reqTime":${now},"sign":"a"}`,
      code: 20052,
      msg: /signature/,
    },
    { name: 'NUL in a value', body: `{"code":"a\\u0000b","reqTime":${now},"sign":"a"}`, code: 20052, msg: /signature/ },
    // Wrong content type / encoding
    {
      name: 'text/plain',
      headers: { 'content-type': 'text/plain' },
      body: signed({ code: 'x' }),
      code: 29008,
      msg: /application\/json/,
    },
    {
      name: 'form',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'code=x&reqTime=1',
      code: 29008,
      msg: /application\/json/,
    },
    {
      name: 'multipart',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      body: '--x\r\n\r\n--x--',
      code: 29008,
      msg: /application\/json/,
    },
    { name: 'no content type', headers: {}, body: signed({ code: 'x' }), code: 29008, msg: /application\/json/ },
    {
      name: 'json; charset=latin1',
      headers: { 'content-type': 'application/json; charset=latin1' },
      body: signed({ code: 'x' }),
      code: 29008,
      msg: /charset|application\/json/,
    },
    {
      name: 'gzip garbage',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: 'not gzip',
      code: 10005,
      msg: /./,
    },
  ];
}

describe.each(ADAPTERS)('hostile input over %s', (adapter) => {
  // Rate limits off: this suite sends many requests from one IP on purpose.
  const host = useMinimalHost(adapter, { override: { rateLimit: { ip: false, merchant: false } } });

  const send = (c: Pick<Case, 'path' | 'method' | 'headers' | 'body'>): Promise<RawAnswer> =>
    rawRequest(host.gw.baseUrl, c.path ?? TOKEN, {
      method: c.method,
      headers: c.headers ?? JSON_HEADERS,
      body: c.body,
    });

  it.each(cases().map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = host.sim.simulator.exchanges;
    const a = await send(c);
    expect(envelopeProblem(a)).toBe('');
    const codes = Array.isArray(c.code) ? c.code : [c.code];
    expect({ code: codes.includes(a.json.code) ? codes[0] : a.json.code, msg: a.json.msg }).toEqual({
      code: codes[0],
      msg: expect.stringMatching(c.msg),
    });
    expect(host.sim.simulator.exchanges).toBe(before);
  });

  it('answers a body over the limit with 29007, not a dropped connection', async () => {
    const big = JSON.stringify({ ...signedBody({ code: 'x' }), pad: 'p'.repeat(20 * 1024) });
    const a = await send({ body: big });
    expect(envelopeProblem(a)).toBe('');
    expect(a.json).toMatchObject({ code: 29007, msg: expect.stringMatching(/larger than the allowed limit/) });
    // Much larger, and not even JSON: still the envelope.
    const b = await send({ body: 'x'.repeat(2 * 1024 * 1024) });
    expect(envelopeProblem(b)).toBe('');
    expect(b.json.code).toBe(29007);
  });

  it.each(['GET', 'PUT', 'DELETE', 'PATCH'])('answers %s with 29009', async (method) => {
    const a = await send({ method, body: method === 'GET' ? undefined : '{}' });
    expect(envelopeProblem(a)).toBe('');
    expect(a.json).toMatchObject({ code: 29009, msg: expect.stringMatching(/use POST/) });
  });

  it('answers HEAD and OPTIONS without a server error', async () => {
    for (const method of ['HEAD', 'OPTIONS']) expect((await send({ method })).status).toBeLessThan(500);
  });

  it('answers an unknown route under the prefix with 29009', async () => {
    const a = await send({ path: '/unipay/assist/deleteEverything', body: '{}' });
    expect(envelopeProblem(a)).toBe('');
    expect(a.json.code).toBe(29009);
  });

  it.each([
    ['__proto__', (t: number) => `{"__proto__":{"polluted":"yes"},"code":"x","reqTime":${t},"sign":"a"}`],
    ['nested __proto__', (t: number) => `{"code":"x","reqTime":${t},"sign":"a","a":{"__proto__":{"polluted":"yes"}}}`],
    [
      'constructor.prototype',
      (t: number) => `{"constructor":{"prototype":{"polluted":"yes"}},"code":"x","reqTime":${t},"sign":"a"}`,
    ],
    ['prototype', (t: number) => `{"prototype":{"polluted":"yes"},"code":"x","reqTime":${t},"sign":"a"}`],
  ])('refuses a %s key without polluting any prototype', async (_name, make) => {
    const a = await send({ body: make(nowSeconds()) });
    expect(envelopeProblem(a)).toBe('');
    expect([10005, 10006, 20052]).toContain(a.json.code);
    // Fastify's parser refuses the key itself (10005); Express parses it as a plain own key, which is never copied.
    if (adapter === 'fastify' && !_name.includes('prototype'))
      expect(a.json).toMatchObject({ code: 10005, msg: expect.stringMatching(/JSON/) });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does not pollute through a validly signed body either', async () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const body = JSON.stringify(signedBody({ code: 'x' })).replace(
        /}$/,
        `,"${key}":{"polluted":"yes","prototype":{"polluted":"yes"}}}`,
      );
      const a = await send({ body });
      expect(a.status).toBe(200);
      expect(a.json.code).not.toBe(10001);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });

  it('still serves a normal request afterwards', async () => {
    const a = await post(host.gw.baseUrl, 'getWxAuthUrl', signedBody({ url: 'http://localhost:3000/cb' }));
    expect(a.json).toMatchObject({ code: 0, data: { code: 0 } });
  });
});

describe.each(ADAPTERS)('configurable body limit over %s', (adapter) => {
  it('honours bodyLimit: 64 KiB accepts a 40 KiB body and refuses a 70 KiB one', async () => {
    const gw = await startGateway({
      adapter,
      bodyLimit: 64 * 1024,
      override: { rateLimit: { ip: false, merchant: false } },
    });
    try {
      const body = (n: number) => JSON.stringify({ ...signedBody({ url: 'http://localhost/' }), pad: 'p'.repeat(n) });
      const ok = await rawRequest(gw.baseUrl, AUTH, { headers: JSON_HEADERS, body: body(40 * 1024) });
      expect(ok.json).toMatchObject({ code: 0 });
      const big = await rawRequest(gw.baseUrl, AUTH, { headers: JSON_HEADERS, body: body(70 * 1024) });
      expect(big.json).toMatchObject({ code: 29007 });
    } finally {
      await gw.close();
    }
  });

  it('reads BODY_LIMIT (bytes) from the environment', async () => {
    const saved = process.env.BODY_LIMIT;
    process.env.BODY_LIMIT = '4096';
    let gw: RunningGateway | undefined;
    try {
      gw = await startGateway({ adapter, override: { rateLimit: { ip: false, merchant: false } } });
      const body = (n: number) => JSON.stringify({ ...signedBody({ url: 'http://localhost/' }), pad: 'p'.repeat(n) });
      expect((await rawRequest(gw.baseUrl, AUTH, { headers: JSON_HEADERS, body: body(3000) })).json.code).toBe(0);
      expect((await rawRequest(gw.baseUrl, AUTH, { headers: JSON_HEADERS, body: body(5000) })).json.code).toBe(29007);
    } finally {
      if (saved === undefined) delete process.env.BODY_LIMIT;
      else process.env.BODY_LIMIT = saved;
      await gw?.close();
    }
  });

  it('survives 10 000-level nesting when the limit allows it', async () => {
    const gw = await startGateway({
      adapter,
      bodyLimit: 1024 * 1024,
      override: { rateLimit: { ip: false, merchant: false } },
    });
    try {
      const n = 10_000;
      for (const body of [
        JSON.stringify(signedBody({ code: 'x' })).replace(/}$/, `,"junk":${'['.repeat(n)}${']'.repeat(n)}}`),
        JSON.stringify(signedBody({ code: 'x' })).replace(/}$/, `,"junk":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`),
        `${'['.repeat(n)}${']'.repeat(n)}`,
        JSON.stringify(signedBody({ code: 'x' })).replace('"code":"x"', `"code":${'['.repeat(n)}${']'.repeat(n)}`),
        JSON.stringify(signedBody({ code: 'x' })).replace('"code":"x"', `"code":${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
      ]) {
        const a = await rawRequest(gw.baseUrl, TOKEN, { headers: JSON_HEADERS, body });
        expect(a.status).toBe(200);
        expect(a.json.code).not.toBe(10001);
      }
      const ok = await post(gw.baseUrl, 'getWxAuthUrl', signedBody({ url: 'http://localhost/' }));
      expect(ok.json.code).toBe(0);
    } finally {
      await gw.close();
    }
  });
});
