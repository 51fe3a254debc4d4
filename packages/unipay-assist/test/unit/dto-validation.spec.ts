import { ArgumentMetadata, Type } from '@nestjs/common';
import { AssistException } from '../../src/kernel/assist.exception';
import { AssistErrorCode } from '../../../wire/src/error-codes';
import { createAssistValidationPipe } from '../../src/http/assist-validation.pipe';
import { WxAccessTokenDto } from '../../src/http/dto/wx-access-token.dto';
import { WxAuthUrlDto } from '../../src/http/dto/wx-auth-url.dto';

const pipe = createAssistValidationPipe();

// The pipe answers synchronously (throws on a broken rule); a promise here keeps the tests' resolves/rejects.
function run(metatype: Type<unknown>, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const meta: ArgumentMetadata = { type: 'body', metatype, data: undefined };
  return Promise.resolve().then(() => pipe.transform(body, meta) as Record<string, unknown>);
}

/** Resolves to the 10006 message, or fails the test when the body is accepted. */
async function rejection(metatype: Type<unknown>, body: Record<string, unknown>): Promise<string> {
  try {
    await run(metatype, body);
  } catch (err) {
    expect(err).toBeInstanceOf(AssistException);
    expect((err as AssistException).code).toBe(AssistErrorCode.INVALID_FIELD);
    return (err as AssistException).message;
  }
  throw new Error(`accepted: ${JSON.stringify(body)}`);
}

const token = (extra: Record<string, unknown> = {}) => ({ code: 'CODE1', reqTime: 1718000000, ...extra });
const authUrl = (extra: Record<string, unknown> = {}) => ({
  url: 'https://shop.example.com/pay',
  reqTime: 1718000000,
  ...extra,
});

describe('DTO rules (AssistValidationPipe)', () => {
  describe('getWxAccessToken', () => {
    it('accepts the SPEC vector request', async () => {
      const body = {
        code: '061Xy0ll2Qq1Fh4qGxml2Z0Tdl1Xy0lX',
        clientIp: '127.0.0.1',
        nonceStr: 'a1b2c3d4',
        reqTime: 1718000000,
      };
      await expect(run(WxAccessTokenDto, body)).resolves.toEqual(body);
    });

    it.each([
      ['missing', {}],
      ['null', { code: null }],
      ['empty', { code: '' }],
      ['blank', { code: '   ' }],
      ['a number', { code: 123 }],
      ['65 characters', { code: 'c'.repeat(65) }],
    ])('rejects code %s, naming code', async (_label, fields) => {
      const body: Record<string, unknown> = { reqTime: 1718000000, ...fields };
      if (!('code' in fields)) delete body.code;
      expect(await rejection(WxAccessTokenDto, body)).toMatch(/^code /);
    });

    it('accepts code of exactly 64 characters', async () => {
      await expect(run(WxAccessTokenDto, token({ code: 'c'.repeat(64) }))).resolves.toMatchObject({
        code: 'c'.repeat(64),
      });
    });
  });

  describe('clientIp', () => {
    it.each(['', '127.0.0.1', '10.0.0.255', '::1', '2001:db8::8a2e:370:7334', '::ffff:192.168.1.1', 'fe80::1'])(
      'accepts %j',
      async (clientIp) => {
        await expect(run(WxAccessTokenDto, token({ clientIp }))).resolves.toMatchObject({ clientIp });
      },
    );

    it.each(['localhost', '256.1.1.1', '1.2.3', '1.2.3.4.5', '::g', '127.0.0.1 ', 'x'.repeat(65), 12345])(
      'rejects %j, naming clientIp',
      async (clientIp) => {
        expect(await rejection(WxAccessTokenDto, token({ clientIp }))).toMatch(/^clientIp /);
      },
    );
  });

  describe('reqTime', () => {
    it.each([1718000000, '1718000000', '123457711', 0, '0'])('accepts %j', async (reqTime) => {
      await expect(run(WxAccessTokenDto, token({ reqTime }))).resolves.toMatchObject({ reqTime });
    });

    it.each([
      ['a float', 1718000000.5],
      ['a negative number', -1],
      ['a decimal string with a fraction', '1718000000.0'],
      ['a negative string', '-1718000000'],
      ['a string with spaces', ' 1718000000'],
      ['a non-numeric string', 'now'],
      ['an empty string', ''],
      ['a boolean', true],
      ['an unsafe integer', 2 ** 53],
      ['null', null],
    ])('rejects %s, naming reqTime', async (_label, reqTime) => {
      expect(await rejection(WxAccessTokenDto, token({ reqTime }))).toMatch(/^reqTime:? /);
    });

    it('rejects a missing reqTime', async () => {
      expect(await rejection(WxAccessTokenDto, { code: 'C' })).toBe('reqTime: is required (Unix time in seconds)');
    });

    it('accepts a milliseconds value as a shape (the reqTime window rejects it, see req-time.spec)', async () => {
      await expect(run(WxAccessTokenDto, token({ reqTime: 1718000000000 }))).resolves.toMatchObject({
        reqTime: 1718000000000,
      });
    });
  });

  describe('common optional fields', () => {
    it('accepts nonceStr of 0 and 32 characters, rejects 33', async () => {
      await expect(run(WxAccessTokenDto, token({ nonceStr: '' }))).resolves.toMatchObject({ nonceStr: '' });
      await expect(run(WxAccessTokenDto, token({ nonceStr: 'n'.repeat(32) }))).resolves.toBeDefined();
      expect(await rejection(WxAccessTokenDto, token({ nonceStr: 'n'.repeat(33) }))).toMatch(/^nonceStr /);
    });

    it('accepts sign of 64 characters, rejects 65 and non-strings', async () => {
      await expect(run(WxAccessTokenDto, token({ sign: 'a'.repeat(64) }))).resolves.toBeDefined();
      expect(await rejection(WxAccessTokenDto, token({ sign: 'a'.repeat(65) }))).toMatch(/^sign:? /);
      expect(await rejection(WxAccessTokenDto, token({ sign: 42 }))).toMatch(/^sign:? /);
    });

    it.each(['mchNo', 'appId'])('%s: at most 32 characters, a string', async (field) => {
      await expect(run(WxAccessTokenDto, token({ [field]: 'm'.repeat(32) }))).resolves.toMatchObject({
        [field]: 'm'.repeat(32),
      });
      expect(await rejection(WxAccessTokenDto, token({ [field]: 'm'.repeat(33) }))).toMatch(new RegExp(`^${field}:? `));
      expect(await rejection(WxAccessTokenDto, token({ [field]: 7 }))).toMatch(new RegExp(`^${field}:? `));
    });

    it('reports every broken field, one reason each', async () => {
      const msg = await rejection(WxAccessTokenDto, { code: '', reqTime: 'x', clientIp: 'nope' });
      expect(
        msg
          .split('; ')
          .map((p) => p.split(' ')[0].replace(/:$/, ''))
          .sort(),
      ).toEqual(['clientIp', 'code', 'reqTime']);
    });

    it('drops unknown fields', async () => {
      const out = await run(WxAccessTokenDto, token({ extra: 'x', __proto__x: 1, openId: 'forged' }));
      expect(out).toEqual(token());
    });
  });

  describe('getWxAuthUrl', () => {
    it.each([
      'http://localhost:3000/pay?order=1',
      'https://shop.example.com/pay#frag',
      'https://[::1]:8443/x',
      `https://shop.example.com/${'p'.repeat(200 - 'https://shop.example.com/'.length)}`,
    ])('accepts url %s', async (url) => {
      await expect(run(WxAuthUrlDto, authUrl({ url }))).resolves.toMatchObject({ url });
    });

    it.each([
      ['relative', '/pay'],
      ['scheme-less', 'shop.example.com/pay'],
      ['ftp', 'ftp://shop.example.com/'],
      ['javascript', 'javascript:alert(1)'],
      ['with a space', 'https://shop.example.com/a b'],
      ['201 characters', `https://shop.example.com/${'p'.repeat(201 - 'https://shop.example.com/'.length)}`],
      ['empty', ''],
      ['a number', 5],
    ])('rejects a %s url, naming url', async (_label, url) => {
      expect(await rejection(WxAuthUrlDto, authUrl({ url }))).toMatch(/^url /);
    });

    it('requires url', async () => {
      expect(await rejection(WxAuthUrlDto, { reqTime: 1718000000 })).toBe('url is required');
    });

    it('state: optional, at most 128', async () => {
      expect((await run(WxAuthUrlDto, authUrl())).state).toBeUndefined();
      await expect(run(WxAuthUrlDto, authUrl({ state: 's'.repeat(128) }))).resolves.toBeDefined();
      expect(await rejection(WxAuthUrlDto, authUrl({ state: 's'.repeat(129) }))).toMatch(/^state /);
    });

    it.each(['snsapi_base', 'snsapi_userinfo'])('accepts scope %s', async (scope) => {
      await expect(run(WxAuthUrlDto, authUrl({ scope }))).resolves.toMatchObject({ scope });
    });

    it.each(['snsapi_login', 'SNSAPI_BASE', '', 1])('rejects scope %j', async (scope) => {
      expect(await rejection(WxAuthUrlDto, authUrl({ scope }))).toBe('scope must be snsapi_base or snsapi_userinfo');
    });
  });
});
