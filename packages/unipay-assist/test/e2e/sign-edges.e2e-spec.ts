import { createHash, createHmac } from 'node:crypto';
import { MerchantInput } from '../../src/merchants/merchant';
import {
  ADAPTERS,
  codeFrom,
  DEMO_MERCHANT,
  DEMO_SECRET,
  DEMO_WECHAT_APP,
  nowSeconds,
  post,
} from '../../../../test/support/gateway';
import { useMinimalHost } from '../../../../test/support/minimal-host';

// Signing written again here from SPEC.md, so these tests do not trust src/signing.
type Fields = Record<string, string | number | null | undefined>;
function specSign(fields: Fields, type: 'MD5' | 'HMAC_SHA256' | 'SM3', secret: string): string {
  const base = Object.keys(fields)
    .filter((k) => k !== 'sign' && fields[k] !== null && fields[k] !== undefined)
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('&')
    .replace(/["\\]/g, '');
  const input = `${base}&key=${secret}`;
  if (type === 'HMAC_SHA256') return createHmac('sha256', secret).update(input).digest('hex');
  return createHash(type === 'MD5' ? 'md5' : 'sm3')
    .update(input)
    .digest('hex');
}
const signed = (fields: Fields, type: 'MD5' | 'HMAC_SHA256' | 'SM3' = 'HMAC_SHA256', secret = DEMO_SECRET): Fields => ({
  ...fields,
  sign: specSign(fields, type, secret),
});
let nonce = 0;
const fresh = (fields: Fields): Fields => ({ reqTime: nowSeconds(), nonceStr: `n${++nonce}`, ...fields });

const LOCAL = { redirectHosts: ['localhost:*'] };
const app = (id: string) => ({ appId: `wx0sign0${id}`, appSecret: `wx-secret-${id}-not-real` });
const MERCHANTS: MerchantInput[] = [
  DEMO_MERCHANT,
  { mchNo: 'M_MD5', wechat: app('md5'), signType: 'MD5', signSecret: 'md5-sign-secret', ...LOCAL },
  { mchNo: 'M_SM3', wechat: app('sm3'), signType: 'SM3', signSecret: 'sm3-sign-secret', ...LOCAL },
  {
    mchNo: 'M_ROT',
    wechat: app('rot'),
    signType: 'HMAC_SHA256',
    signSecrets: ['rot-new-secret', 'rot-old-secret'],
    ...LOCAL,
  },
  {
    mchNo: 'M_OPEN',
    wechat: app('open'),
    signType: 'MD5',
    signSecret: 'open-sign-secret',
    signRequired: false,
    ...LOCAL,
  },
];
const ALL_SECRETS = [
  'md5-sign-secret',
  'sm3-sign-secret',
  'rot-new-secret',
  'rot-old-secret',
  'open-sign-secret',
  DEMO_WECHAT_APP.appSecret,
  ...['md5', 'sm3', 'rot', 'open'].map((id) => app(id).appSecret),
];

/** The data of a success, checked to be signed with `secret` by the SPEC algorithm. */
function expectSignedData(json: any, type: 'MD5' | 'HMAC_SHA256' | 'SM3', secret: string): Record<string, unknown> {
  expect(json).toMatchObject({ code: 0, msg: 'success', traceId: expect.stringMatching(/^[A-Za-z0-9]{12}$/) });
  const data = json.data;
  expect(data.sign).toBe(specSign(data, type, secret));
  expect(typeof data.resTime).toBe('number');
  const text = JSON.stringify(json);
  for (const s of ALL_SECRETS) expect(text).not.toContain(s);
  expect(text).not.toMatch(/refresh/i);
  return data;
}

describe.each(ADAPTERS)('sign edge cases over %s', (adapter) => {
  const host = useMinimalHost(adapter, {
    simulator: { apps: [DEMO_WECHAT_APP, ...['md5', 'sm3', 'rot', 'open'].map(app)] },
    override: { merchants: MERCHANTS },
  });

  it('the SPEC request vector string, signed fresh, is accepted (30-character lowercase sign check)', async () => {
    const body = signed(fresh({ code: 'SPECVECTORCODE', clientIp: '127.0.0.1' }));
    const answer = await post(host.gw.baseUrl, 'getWxAccessToken', body);
    // An unknown code: WeChat refuses it, which proves the sign passed.
    expect(answer.json.data).toMatchObject({ code: 1, msg: expect.stringContaining('40029') });
  });

  it('accepts an uppercase sign', async () => {
    const body = signed(fresh({ url: 'http://localhost/upper' }));
    const answer = await post(host.gw.baseUrl, 'getWxAuthUrl', { ...body, sign: String(body.sign).toUpperCase() });
    expectSignedData(answer.json, 'HMAC_SHA256', DEMO_SECRET);
  });

  it('accepts an empty nonceStr, which is part of the signed string', async () => {
    const fields = { url: 'http://localhost/empty-nonce', nonceStr: '', reqTime: nowSeconds() };
    const answer = await post(host.gw.baseUrl, 'getWxAuthUrl', signed(fields));
    expectSignedData(answer.json, 'HMAC_SHA256', DEMO_SECRET);
    // Signing without the empty field gives another string: refused.
    const { nonceStr: _n, ...without } = fields;
    const other = {
      ...fields,
      reqTime: fields.reqTime - 1,
      sign: specSign({ ...without, reqTime: fields.reqTime - 1 }, 'HMAC_SHA256', DEMO_SECRET),
    };
    expect((await post(host.gw.baseUrl, 'getWxAuthUrl', other)).json.code).toBe(20052);
  });

  it('accepts reqTime as a decimal string, signed as sent', async () => {
    const answer = await post(
      host.gw.baseUrl,
      'getWxAuthUrl',
      signed(fresh({ url: 'http://localhost/str', reqTime: String(nowSeconds()) })),
    );
    expectSignedData(answer.json, 'HMAC_SHA256', DEMO_SECRET);
  });

  it('removes " and \\ from the signed string, and keeps them in the value', async () => {
    const state = 'a"b\\c"{\\"x\\"}';
    const body = signed(fresh({ url: 'http://localhost/q', state }));
    const answer = await post(host.gw.baseUrl, 'getWxAuthUrl', body);
    const data = expectSignedData(answer.json, 'HMAC_SHA256', DEMO_SECRET);
    expect(new URL(String(data.url)).searchParams.get('state')).toBe(state);
    // The same sign covers a state without those characters: DaxPay's rule, documented.
    const stripped = { ...body, state: 'abc{x}', nonceStr: body.nonceStr };
    expect(specSign(stripped, 'HMAC_SHA256', DEMO_SECRET)).toBe(body.sign);
  });

  it('signs non-ASCII values as UTF-8', async () => {
    const answer = await post(
      host.gw.baseUrl,
      'getWxAuthUrl',
      signed(fresh({ url: 'http://localhost/zh', state: '订单-中文' })),
    );
    const data = expectSignedData(answer.json, 'HMAC_SHA256', DEMO_SECRET);
    expect(new URL(String(data.url)).searchParams.get('state')).toBe('订单-中文');
  });

  it('ignores unknown fields: they are neither required in nor part of the signature', async () => {
    const fields = fresh({ url: 'http://localhost/unknown' });
    const body = { ...signed(fields), extraField: 'not signed', version: '2.0' };
    const answer = await post(host.gw.baseUrl, 'getWxAuthUrl', body);
    const data = expectSignedData(answer.json, 'HMAC_SHA256', DEMO_SECRET);
    expect(data).not.toHaveProperty('extraField');
  });

  it('null fields are left out of the signature', async () => {
    const answer = await post(
      host.gw.baseUrl,
      'getWxAuthUrl',
      signed(fresh({ url: 'http://localhost/null', clientIp: null, state: null })),
    );
    expectSignedData(answer.json, 'HMAC_SHA256', DEMO_SECRET);
  });

  it.each([
    ['MD5', 'M_MD5', 'md5-sign-secret', 'md5'],
    ['SM3', 'M_SM3', 'sm3-sign-secret', 'sm3'],
  ] as const)('a %s merchant: whole flow, request and response signed with %s', async (type, mchNo, secret, id) => {
    const auth = await post(
      host.gw.baseUrl,
      'getWxAuthUrl',
      signed(fresh({ mchNo, url: 'http://localhost/pay' }), type, secret),
    );
    const authData = expectSignedData(auth.json, type, secret);
    expect(String(authData.url)).toContain(`appid=${app(id).appId}&`);
    const code = await codeFrom(String(authData.url));
    const token = await post(host.gw.baseUrl, 'getWxAccessToken', signed(fresh({ mchNo, code }), type, secret));
    const data = expectSignedData(token.json, type, secret);
    expect(data).toMatchObject({ code: 0, openId: expect.stringMatching(/^o/), accessToken: expect.any(String) });
    // The other algorithms with the same secret are refused.
    const wrongType = type === 'MD5' ? 'SM3' : 'MD5';
    expect(
      (
        await post(
          host.gw.baseUrl,
          'getWxAuthUrl',
          signed(fresh({ mchNo, url: 'http://localhost/' }), wrongType, secret),
        )
      ).json.code,
    ).toBe(20052);
  });

  it('a merchant rotating two secrets: both verify, and each answer is signed with the secret that verified its request', async () => {
    // A client still on the old secret mid-rotation can verify its answer; one on the new secret too.
    for (const [secret, other] of [
      ['rot-new-secret', 'rot-old-secret'],
      ['rot-old-secret', 'rot-new-secret'],
    ]) {
      const answer = await post(
        host.gw.baseUrl,
        'getWxAuthUrl',
        signed(fresh({ mchNo: 'M_ROT', url: 'http://localhost/rot' }), 'HMAC_SHA256', secret),
      );
      const data = expectSignedData(answer.json, 'HMAC_SHA256', secret);
      expect(data.sign).not.toBe(specSign(data as Fields, 'HMAC_SHA256', other));
    }
    const third = await post(
      host.gw.baseUrl,
      'getWxAuthUrl',
      signed(fresh({ mchNo: 'M_ROT', url: 'http://localhost/rot' }), 'HMAC_SHA256', 'rot-older'),
    );
    expect(third.json.code).toBe(20052);
  });

  describe('a merchant with signRequired=false', () => {
    it('accepts a request without sign, and still signs the response', async () => {
      const answer = await post(
        host.gw.baseUrl,
        'getWxAuthUrl',
        fresh({ mchNo: 'M_OPEN', url: 'http://localhost/open' }),
      );
      expectSignedData(answer.json, 'MD5', 'open-sign-secret');
    });

    it('accepts an empty sign as absent', async () => {
      const answer = await post(host.gw.baseUrl, 'getWxAuthUrl', {
        ...fresh({ mchNo: 'M_OPEN', url: 'http://localhost/open' }),
        sign: '',
      });
      expectSignedData(answer.json, 'MD5', 'open-sign-secret');
    });

    it('still checks a sign that is present', async () => {
      const bad = signed(fresh({ mchNo: 'M_OPEN', url: 'http://localhost/open' }), 'MD5', 'not-the-secret');
      expect((await post(host.gw.baseUrl, 'getWxAuthUrl', bad)).json).toMatchObject({ code: 20052, data: null });
      const good = signed(fresh({ mchNo: 'M_OPEN', url: 'http://localhost/open' }), 'MD5', 'open-sign-secret');
      expectSignedData((await post(host.gw.baseUrl, 'getWxAuthUrl', good)).json, 'MD5', 'open-sign-secret');
    });

    it('still checks the reqTime window', async () => {
      const answer = await post(host.gw.baseUrl, 'getWxAuthUrl', {
        mchNo: 'M_OPEN',
        url: 'http://localhost/open',
        reqTime: nowSeconds() - 3600,
      });
      expect(answer.json).toMatchObject({ code: 10006, data: null, msg: expect.stringMatching(/^reqTime/) });
    });
  });

  it('a sign for one merchant does not pass for another', async () => {
    const body = signed(fresh({ mchNo: 'M_MD5', url: 'http://localhost/x' }), 'MD5', 'md5-sign-secret');
    expect((await post(host.gw.baseUrl, 'getWxAuthUrl', { ...body, mchNo: 'M_OPEN' })).json.code).toBe(20052);
  });
});
