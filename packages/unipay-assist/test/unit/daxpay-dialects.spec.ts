import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dialectFor, failureAnswer, outerCodeFor } from '../../../wire/src/dialects/dialects';
import { DialectName } from '../../../wire/src/dialects/wire-dialect';
import { dtoFieldNames } from '../../src/http/dto/signed-fields';
import { WxAccessTokenDto } from '../../src/http/dto/wx-access-token.dto';
import { WxAuthUrlDto } from '../../src/http/dto/wx-auth-url.dto';
import { AssistErrorCode } from '../../../wire/src/error-codes';
import { SignType } from '../../../wire/src/signing/sign-type';

// Golden vectors from scripts/daxpay-dialect-vectors.mjs (facts: docs/daxpay-dialects.md), checked
// against the real 2.0.0, 2.0.5, 2.0.8 and multi SDKs; multi-late computed from source.
interface Vector {
  name: string;
  route: 'getWxAuthUrl' | 'getWxAccessToken';
  signedFields?: string[];
  kind?: 'success' | 'failure';
  signed?: boolean;
  bodies: Record<string, string>;
}
interface Generation {
  signTypes: SignType[];
  requests: Vector[];
  answers: Vector[];
}
const ROOT = join(__dirname, '..', '..', '..', '..');
const FIXTURE = JSON.parse(readFileSync(join(ROOT, 'docs', 'vectors', 'daxpay-dialects.json'), 'utf8')) as {
  secret: string;
  resTime: number;
  traceId: string;
  generations: Record<string, Generation>;
};
const DIALECT_OF: Record<string, DialectName> = {
  '2.0.0': 'daxpay-2.0.0',
  '2.0.1-2.0.5': 'daxpay-2.0.1',
  '2.0.6-2.0.8': 'daxpay-2.0.6',
  multi: 'daxpay-multi',
  'multi-late': 'daxpay-multi-late',
};
const DTO_FIELDS = { getWxAuthUrl: dtoFieldNames(WxAuthUrlDto), getWxAccessToken: dtoFieldNames(WxAccessTokenDto) };

/** The business's neutral data for a fixture answer (what WechatRelayService returns). */
function businessData(answer: Vector, wire: Record<string, unknown>): Record<string, unknown> {
  const data = (wire.data ?? {}) as Record<string, unknown>;
  // 2.0.6-2.0.8 carry a failure's msg in data; the others in the envelope.
  if (answer.kind === 'failure') return { code: 1, msg: data.msg ?? wire.msg, wxErrcode: 40029 };
  return answer.route === 'getWxAuthUrl'
    ? { code: 0, url: data.url }
    : { code: 0, openId: data.openId, accessToken: data.accessToken };
}

/** null members are absent to every SDK (hutool/Jackson read both the same); compare without them. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value) || value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

describe.each(Object.entries(DIALECT_OF))('generation %s → dialect %s', (generation, dialectName) => {
  const g = FIXTURE.generations[generation];
  const dialect = dialectFor(dialectName);

  it('is registered under its own name', () => {
    expect(dialect.name).toBe(dialectName);
  });

  describe.each(g.signTypes)('%s', (signType) => {
    it.each(g.requests.map((r) => [r.name, r] as const))(
      'verifies the SDK request "%s" and no tampered copy',
      (_name, r) => {
        const body = JSON.parse(r.bodies[signType]) as Record<string, unknown>;
        const fields = dialect.signedFields({ ...body, unknown: 'never signed' }, DTO_FIELDS[r.route]);
        expect(fields).not.toHaveProperty('unknown');
        expect(dialect.verify(fields, signType, ['rotated-out', FIXTURE.secret])).toBe(1);
        expect(dialect.verify({ ...fields, clientIp: '127.0.0.2' }, signType, [FIXTURE.secret])).toBe(-1);
      },
    );

    it.each(g.answers.map((a) => [a.name, a] as const))('answers "%s" as the fixture does', (_name, a) => {
      const wire = JSON.parse(a.bodies[signType]) as Record<string, unknown>;
      const answer = dialect.answer(businessData(a, wire), {
        signType,
        secret: FIXTURE.secret,
        traceId: FIXTURE.traceId,
        now: FIXTURE.resTime,
        route: a.route,
      });
      const { wxErrcode, ...rest } = answer;
      // WeChat's errcode never sits in data, where a 2.0.6-2.0.8 or multi SDK would have to sign it.
      expect(wxErrcode).toBe(a.kind === 'failure' ? 40029 : undefined);
      // DaxPay's 2.0 getWxAccessToken answered a ResResult without traceId; the relay keeps its traceId (unknown to the model, ignored).
      const expected = 'traceId' in wire ? wire : { ...wire, traceId: FIXTURE.traceId };
      expect(withoutNulls(JSON.parse(JSON.stringify(rest)))).toEqual(withoutNulls(expected));
    });
  });
});

describe('failures outside the business', () => {
  const context = { traceId: 'T1', now: FIXTURE.resTime };

  it('keeps DaxPay 2.0 numbers for 2.0 generations and bootx 3.0 numbers for multi', () => {
    for (const name of ['daxpay-2.0.0', 'daxpay-2.0.1', 'daxpay-2.0.6'] as const) {
      expect(outerCodeFor(dialectFor(name), AssistErrorCode.INVALID_FIELD)).toBe(10006);
      expect(outerCodeFor(dialectFor(name), AssistErrorCode.BAD_JSON)).toBe(10005);
    }
    for (const name of ['daxpay-multi', 'daxpay-multi-late'] as const) {
      const d = dialectFor(name);
      expect(
        [
          AssistErrorCode.INTERNAL,
          AssistErrorCode.BAD_JSON,
          AssistErrorCode.INVALID_FIELD,
          AssistErrorCode.REPLAYED,
        ].map((c) => outerCodeFor(d, c)),
      ).toEqual([10500, 10505, 10506, 10507]);
      expect(outerCodeFor(d, AssistErrorCode.BAD_SIGN)).toBe(20052);
    }
  });

  it('answers 2.0 and multi failures unsigned with data null', () => {
    expect(failureAnswer(dialectFor('daxpay-2.0.6'), AssistErrorCode.INVALID_FIELD, 'url: bad', context)).toEqual({
      code: 10006,
      msg: 'url: bad',
      data: null,
      traceId: 'T1',
    });
    expect(failureAnswer(dialectFor('daxpay-multi'), AssistErrorCode.INVALID_FIELD, 'url: bad', context)).toEqual({
      code: 10506,
      msg: 'url: bad',
      data: null,
      traceId: 'T1',
    });
  });

  it('signs a multi-late failure once the request verified, and only then', () => {
    const d = dialectFor('daxpay-multi-late');
    const unsigned = failureAnswer(d, AssistErrorCode.BAD_SIGN, 'signature verification failed', context);
    expect(unsigned).not.toHaveProperty('sign');
    expect(unsigned).toMatchObject({ code: 20052, data: null, resTime: '2024-06-10 14:13:21', traceId: 'T1' });
    const signed = failureAnswer(d, AssistErrorCode.INVALID_FIELD, 'url: bad', {
      ...context,
      signing: { signType: 'MD5', secret: FIXTURE.secret },
    });
    expect(signed.sign).toMatch(/^[0-9a-f]{32}$/);
    expect(Object.keys(signed)).toEqual(['code', 'msg', 'data', 'sign', 'resTime', 'traceId']);
  });
});

describe('scripts/daxpay-dialect-vectors.mjs --check', () => {
  it('finds the committed fixture up to date', () => {
    expect(
      execFileSync(process.execPath, [join(ROOT, 'scripts', 'daxpay-dialect-vectors.mjs'), '--check'], {
        encoding: 'utf8',
      }),
    ).toContain('fixture up to date');
  });
});
