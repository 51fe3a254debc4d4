import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  daxpay3FieldMap,
  daxpay3LinkString,
  daxpay3Sign,
  daxpay3SignString,
  daxpay3Verify,
} from '../../src/signing/daxpay3-sign';
import {
  AuthResult,
  AuthUrlResult,
  authResultBean,
  authUrlResultBean,
  signDaxResult,
} from '../../src/signing/daxpay3-result';
import { hutoolQuote } from '../../src/signing/hutool-json';
import { compareCaseInsensitive } from '../../src/signing/java-case-insensitive';
import { SIGN_TYPES } from '../../src/signing/sign-type';
import { UnsignableValueError } from '../../src/signing/unsignable-value-error';

// Copied from docs/vectors/daxpay-3.0-vectors.json: computed with DaxPay 3.0.0's
// own PaySignUtil and beans (server and SDK copies agree), secret 123456.
interface Vector {
  name: string;
  kind: 'request' | 'answer';
  dataClass?: 'AuthUrlResult' | 'AuthResult' | null;
  input: Record<string, unknown>;
  signString: string;
  signStringIfDataReadAsMap?: string | null;
  MD5: string;
  HMAC_SHA256: string;
  SM3: string;
}
const FILE = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'vectors', 'daxpay-3.0-vectors.json'), 'utf8'),
) as { secret: string; vectors: Vector[] };
const SECRET = FILE.secret;
const REQUESTS = FILE.vectors.filter((v) => v.kind === 'request');
const ANSWERS = FILE.vectors.filter((v) => v.kind === 'answer');

/** The vector's answer with `data` as the typed 3.0 bean (declaration order), as the server signs it. */
function typedAnswer(v: Vector): Record<string, unknown> {
  const { data, ...rest } = v.input;
  if (v.dataClass === 'AuthUrlResult') return { ...rest, data: authUrlResultBean(data as AuthUrlResult) };
  if (v.dataClass === 'AuthResult') return { ...rest, data: authResultBean(data as AuthResult) };
  return rest;
}

/** `data` with its keys sorted, as a client that reads it into a Map signs it. */
function sortedDataAnswer(v: Vector): Record<string, unknown> {
  const data = v.input.data as Record<string, unknown>;
  const sorted = Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { ...v.input, data: sorted };
}

describe('DaxPay 3.0 sign vectors', () => {
  it('holds the 12 vectors of the shared file (5 requests, 7 answers)', () => {
    expect(REQUESTS).toHaveLength(5);
    expect(ANSWERS).toHaveLength(7);
    expect(SECRET).toBe('123456');
  });

  describe.each(REQUESTS.map((v) => [v.name, v] as const))('request: %s', (_name, v) => {
    it('builds the sign string', () => {
      expect(daxpay3SignString(v.input, SECRET)).toBe(v.signString);
    });

    it.each(SIGN_TYPES)('signs with %s', (type) => {
      expect(daxpay3Sign(v.input, type, SECRET)).toBe(v[type]);
    });

    it.each(SIGN_TYPES)('verifies its %s sign, in either case, with a rotated secret', (type) => {
      const signed = { ...v.input, sign: v[type] };
      expect(daxpay3Verify(signed, type, [SECRET])).toBe(0);
      expect(daxpay3Verify({ ...signed, sign: v[type].toUpperCase() }, type, ['old', SECRET])).toBe(1);
      expect(daxpay3Verify(signed, type, ['old'])).toBe(-1);
    });

    it('ignores a sign already in the fields', () => {
      expect(daxpay3Sign({ ...v.input, sign: 'ffff' }, 'MD5', SECRET)).toBe(v.MD5);
    });
  });

  describe.each(ANSWERS.map((v) => [v.name, v] as const))('answer: %s', (_name, v) => {
    it('builds the sign string with data in declaration order', () => {
      expect(daxpay3SignString(typedAnswer(v), SECRET)).toBe(v.signString);
    });

    it.each(SIGN_TYPES)('signs with %s', (type) => {
      expect(daxpay3Sign(typedAnswer(v), type, SECRET)).toBe(v[type]);
    });

    it.each(SIGN_TYPES)('signDaxResult gives the %s sign', (type) => {
      const fields = typedAnswer(v) as { code: number; msg: string; data?: object; resTime: string; traceId?: string };
      const signed = signDaxResult(fields, type, SECRET);
      expect(signed.sign).toBe(v[type]);
      // The answer itself verifies, in DaxResult's member order.
      expect(daxpay3Verify(signed, type, [SECRET])).toBe(0);
      expect(Object.keys(signed)).toEqual(
        ['code', 'msg', 'data', 'sign', 'resTime', 'traceId'].filter((k) => k === 'sign' || k in fields),
      );
    });

    it('reproduces the Map-reading client string from sorted data', () => {
      if (v.signStringIfDataReadAsMap == null) {
        expect(v.input.data).toBeUndefined();
        return;
      }
      expect(daxpay3SignString(sortedDataAnswer(v), SECRET)).toBe(v.signStringIfDataReadAsMap);
    });
  });

  it('the order of data members is part of the sign', () => {
    const v = ANSWERS.find((a) => a.name.includes('success wechat'));
    if (v === undefined) throw new Error('vector missing');
    expect(v.signStringIfDataReadAsMap).not.toBe(v.signString);
    expect(daxpay3Sign(sortedDataAnswer(v), 'MD5', SECRET)).not.toBe(v.MD5);
    // The input file lists data sorted; the bean helper restores declaration order.
    expect(Object.keys(authResultBean(v.input.data as AuthResult))).toEqual(['openId', 'accessToken', 'status']);
  });
});

describe('DaxPay 3.0 field rendering', () => {
  const TIME = '2025-06-01 12:00:00';

  it('drops null and undefined fields, keeps empty strings', () => {
    expect(daxpay3LinkString({ b: '', a: null, c: undefined, d: 'x' })).toBe('b=&d=x');
    expect(daxpay3SignString({ nonceStr: '', reqTime: TIME }, 'k')).toBe('NONCESTR=&REQTIME=2025-06-01 12:00:00&KEY=K');
  });

  it('keeps top-level values raw: only " and \\ are removed, control chars stay', () => {
    expect(daxpay3LinkString({ a: 'x"y\\z', b: 'line\nbreak\u0001' })).toBe('a=xyz&b=line\nbreak\u0001');
  });

  it('renders integers, bigints and booleans as String.valueOf does', () => {
    expect(daxpay3LinkString({ code: 0, big: 12345678901234567890n, neg: -5, ok: true, no: false })).toBe(
      'big=12345678901234567890&code=0&neg=-5&no=false&ok=true',
    );
  });

  it('removes sign in any case, as the case-insensitive map does', () => {
    expect(daxpay3LinkString({ a: '1', SIGN: 'x', Sign: 'y' })).toBe('a=1');
  });

  it('sorts names by code unit, upper case first', () => {
    expect(daxpay3LinkString({ b: '1', C: '2', a: '3', _x: '4' })).toBe('C=2&_x=4&a=3&b=1');
  });

  it('collapses names equal up to case: first spelling, last value (TreeMap.put)', () => {
    expect(daxpay3FieldMap({ appId: 'a', APPID: 'b' })).toEqual([['appId', 'b']]);
  });

  it('appends the key before upper-casing and keys HMAC with the secret as configured', () => {
    expect(daxpay3SignString({ a: 'x' }, 'sEcReT')).toBe('A=X&KEY=SECRET');
    expect(daxpay3Sign({ a: 'x' }, 'HMAC_SHA256', 'sEcReT')).not.toBe(daxpay3Sign({ a: 'x' }, 'HMAC_SHA256', 'SECRET'));
    // MD5 and SM3 hash the upper-cased string only, so the secret's case does not matter to them.
    expect(daxpay3Sign({ a: 'x' }, 'MD5', 'sEcReT')).toBe(daxpay3Sign({ a: 'x' }, 'MD5', 'SECRET'));
    expect(daxpay3Sign({ a: 'x' }, 'SM3', 'sEcReT')).toBe(daxpay3Sign({ a: 'x' }, 'SM3', 'SECRET'));
  });

  it('upper-cases unicode with full case mapping (ß → SS), keeps CJK', () => {
    expect(daxpay3SignString({ u: 'straße测试é' }, 'k')).toBe('U=STRASSE测试É&KEY=K');
  });

  it('signs an empty bean as Java does: a leading &', () => {
    expect(daxpay3SignString({}, 'k')).toBe('&KEY=K');
  });

  describe('nested bean (JSON, declaration order)', () => {
    it('writes members in key order, drops null members, keeps empty ones', () => {
      expect(daxpay3FieldMap({ data: { z: 'a', y: null, x: '', w: 1, v: true, u: undefined } })).toEqual([
        ['data', '{"z":"a","x":"","w":1,"v":true}'],
      ]);
    });

    it('keeps a bean whose members are all null as {}', () => {
      expect(daxpay3LinkString({ code: 0, data: { openId: null } })).toBe('code=0&data={}');
    });

    it('escapes " and \\ with a backslash, which the link string then removes', () => {
      expect(daxpay3FieldMap({ d: { s: 'a"b\\c' } })).toEqual([['d', '{"s":"a\\"b\\\\c"}']]);
      expect(daxpay3LinkString({ d: { s: 'a"b\\c' } })).toBe('d={s:abc}');
    });

    it('escapes \\b \\t \\n \\f \\r by name and other invisibles as \\uXXXX', () => {
      const s = '\b\t\n\f\r\u0000\u001f\u007f\u0080\u00a0\u00a1\u2000\u2010\u2011\u2028\u202f\u2030\u2066\u206f\u2070/';
      expect(hutoolQuote(s)).toBe(
        '"\\b\\t\\n\\f\\r\\u0000\\u001f\u007f\\u0080\\u00a0\u00a1\\u2000\\u2010\u2011\\u2028\\u202f\u2030\\u2066\\u206f\u2070/"',
      );
      expect(daxpay3LinkString({ d: { s: 'a\nb\u0001c\u2028' } })).toBe('d={s:anbu0001cu2028}');
    });

    it('keeps non-BMP characters as their surrogate pair', () => {
      expect(daxpay3LinkString({ d: { s: '😀' } })).toBe('d={s:😀}');
    });

    it('escapes member names too', () => {
      expect(daxpay3FieldMap({ d: { 'a\nb': 'x' } })).toEqual([['d', '{"a\\nb":"x"}']]);
    });

    it('nests beans, lists and maps in their own order', () => {
      const nested = {
        b: { y: '1', x: '2' },
        a: ['p', 2, { k: 'v' }],
        m: new Map([
          ['z', '1'],
          ['Y', '2'],
        ]),
      };
      expect(daxpay3FieldMap({ d: nested })).toEqual([
        ['d', '{"b":{"y":"1","x":"2"},"a":["p",2,{"k":"v"}],"m":{"z":"1","Y":"2"}}'],
      ]);
    });
  });

  describe('top-level Map field (TreeMap, case-insensitive order)', () => {
    it('sorts keys case-insensitively and drops null values', () => {
      const m = new Map<string, unknown>([
        ['b', '1'],
        ['A', '2'],
        ['c', null],
        ['a_', { y: 1, x: 2 }],
      ]);
      expect(daxpay3FieldMap({ m })).toEqual([['m', '{"A":"2","a_":{"y":1,"x":2},"b":"1"}']]);
    });

    it('lets a later null overwrite a same-named key, then drops it', () => {
      expect(
        daxpay3FieldMap({
          m: new Map<string, unknown>([
            ['k', '1'],
            ['K', null],
          ]),
        }),
      ).toEqual([['m', '{}']]);
    });
  });

  describe('top-level list field (Collection of beans)', () => {
    it('flattens each bean like the top level: string values, case-insensitive order', () => {
      const items = [{ b: 2, A: 'x', c: null }, null, { n: { q: '1' } }];
      expect(daxpay3FieldMap({ items })).toEqual([['items', '[{"A":"x","b":"2"},{"n":"{\\"q\\":\\"1\\"}"}]']]);
      expect(daxpay3LinkString({ items })).toBe('items=[{A:x,b:2},{n:{q:1}}]');
    });

    it('leaves an empty or all-null list out', () => {
      expect(daxpay3LinkString({ a: '1', items: [], more: [null] })).toBe('a=1');
    });

    it('refuses a list of plain values, which the Java walk cannot flatten', () => {
      expect(() => daxpay3LinkString({ items: ['a'] })).toThrow(UnsignableValueError);
    });
  });

  it.each([
    ['a fractional number', { a: 1.5 }],
    ['an unsafe integer', { a: 2 ** 53 }],
    ['NaN', { a: Number.NaN }],
    ['a Date', { a: new Date(0) }],
    ['a nested fractional number', { d: { a: 0.1 } }],
    ['a null list element inside JSON', { d: { l: [null] } }],
    ['a symbol', { a: Symbol('s') }],
    ['a function', { a: () => 1 }],
  ])('refuses %s instead of guessing its Java rendering', (_what, fields) => {
    expect(() => daxpay3Sign(fields, 'MD5', 'k')).toThrow(UnsignableValueError);
  });
});

describe('daxpay3Verify', () => {
  const fields = { mchNo: 'M1', appId: 'A1', reqTime: '2025-06-01 12:00:00', channel: 'wechat_pay' };
  const good = daxpay3Sign(fields, 'SM3', 'k');

  it('refuses an absent, empty, non-string or non-hex sign', () => {
    expect(daxpay3Verify(fields, 'SM3', ['k'])).toBe(-1);
    for (const sign of ['', 42, null, ` ${good}`, `${good}\n`, good.replace(/^./, 'g')]) {
      expect(daxpay3Verify({ ...fields, sign }, 'SM3', ['k'])).toBe(-1);
    }
  });

  it('refuses a non-hex lookalike that the latin1 byte compare alone would take', () => {
    // 'š' (U+0161) encodes to latin1 byte 0x61, the same byte as 'a'.
    const lookalike = good.replace(/a/g, 'š');
    if (lookalike === good) throw new Error('sign has no a');
    expect(daxpay3Verify({ ...fields, sign: lookalike }, 'SM3', ['k'])).toBe(-1);
  });

  it('refuses a sign of another algorithm, a truncated sign and a changed field', () => {
    expect(daxpay3Verify({ ...fields, sign: daxpay3Sign(fields, 'MD5', 'k') }, 'SM3', ['k'])).toBe(-1);
    expect(daxpay3Verify({ ...fields, sign: good.slice(0, -2) }, 'SM3', ['k'])).toBe(-1);
    expect(daxpay3Verify({ ...fields, channel: 'ali_pay', sign: good }, 'SM3', ['k'])).toBe(-1);
  });

  it('does not verify, rather than throw, on a body it cannot render', () => {
    expect(daxpay3Verify({ ...fields, nonceStr: 1.5, sign: good }, 'SM3', ['k'])).toBe(-1);
  });

  it('returns the first matching secret and -1 for no secrets', () => {
    expect(daxpay3Verify({ ...fields, sign: good }, 'SM3', ['x', 'k', 'k'])).toBe(1);
    expect(daxpay3Verify({ ...fields, sign: good }, 'SM3', [])).toBe(-1);
  });
});

describe('signDaxResult', () => {
  it('signs an error answer without data and keeps absent members absent', () => {
    const signed = signDaxResult({ code: 20052, msg: '验签失败', resTime: '2025-06-01 12:00:01' }, 'MD5', 'k');
    expect(Object.keys(signed)).toEqual(['code', 'msg', 'sign', 'resTime']);
    expect(signed.sign).toBe(daxpay3Sign({ code: 20052, msg: '验签失败', resTime: '2025-06-01 12:00:01' }, 'MD5', 'k'));
  });

  it('drops null members the same way from the sign and the answer', () => {
    const signed = signDaxResult(
      { code: 0, msg: 'success', data: null, resTime: '2025-06-01 12:00:01', traceId: null },
      'HMAC_SHA256',
      'k',
    );
    expect(Object.keys(signed)).toEqual(['code', 'msg', 'sign', 'resTime']);
    expect(daxpay3Verify(signed, 'HMAC_SHA256', ['k'])).toBe(0);
  });

  it.each(['2025-06-01T12:00:01', '2025-06-01 12:00:01Z', '1748750401', '2025-02-30 00:00:00'])(
    'refuses resTime %p',
    (resTime) => {
      expect(() => signDaxResult({ code: 0, msg: 'success', resTime }, 'MD5', 'k')).toThrow(RangeError);
    },
  );
});

describe('bean helpers', () => {
  it('put AuthResult members in declaration order and drop absent ones', () => {
    const bean = authResultBean({ status: 'success', accessToken: 't', userId: undefined, openId: 'o' });
    expect(Object.keys(bean)).toEqual(['openId', 'accessToken', 'status']);
  });

  it('put AuthUrlResult members in declaration order', () => {
    expect(Object.keys(authUrlResultBean({ queryCode: 'q', authUrl: 'u' }))).toEqual(['authUrl', 'queryCode']);
  });
});

describe('Java CASE_INSENSITIVE_ORDER', () => {
  it.each([
    ['a', 'B', -1],
    ['B', 'a', 1],
    ['abc', 'ABC', 0],
    ['ab', 'abc', -1],
    // Java settles a difference on the lower-cased chars: '_' (0x5f) sorts
    // before both 'a' and 'A' (as 'a', 0x61), unlike code-unit order 'A' < '_' < 'a'.
    ['_', 'a', -1],
    ['_', 'A', -1],
  ] as const)('compares %p with %p', (a, b, sign) => {
    expect(Math.sign(compareCaseInsensitive(a, b))).toBe(sign);
  });

  it("keeps a char whose full upper-case mapping is longer, as Java's per-char mapping does", () => {
    expect(Math.sign(compareCaseInsensitive('ß', 'ss'))).toBe(1);
  });
});
