import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DAXPAY3_OPERATION_FAIL, daxpay30Dialect } from '../../../wire/src/dialects/daxpay-3-0.dialect';
import { dialectFor } from '../../../wire/src/dialects/dialects';
import { checkReqTimeWindow } from '../../src/http/guards/request-window';
import { parseChinaDateTime } from '../../../wire/src/signing/china-time';
import { SIGN_TYPES, SignType } from '../../../wire/src/signing/sign-type';
import { daxpay3Reference } from '../../../../test/support/daxpay3-reference';

// docs/vectors/daxpay-3.0-vectors.json, computed by DaxPay 3.0.0's own PaySignUtil and beans.
interface Vector {
  name: string;
  kind: 'request' | 'answer';
  dataClass?: 'AuthUrlResult' | 'AuthResult' | null;
  input: Record<string, unknown>;
  MD5: string;
  HMAC_SHA256: string;
  SM3: string;
}
const FILE = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'vectors', 'daxpay-3.0-vectors.json'), 'utf8'),
) as {
  secret: string;
  vectors: Vector[];
};
const SECRET = FILE.secret;
const REQUESTS = FILE.vectors.filter((v) => v.kind === 'request');
const ANSWERS = FILE.vectors.filter((v) => v.kind === 'answer');
const ROUTE_OF = { AuthUrlResult: 'generateAuthUrl', AuthResult: 'auth' } as const;

describe('daxpay-3.0 dialect', () => {
  it('is the one registered for daxpay-3.0', () => {
    expect(dialectFor('daxpay-3.0')).toBe(daxpay30Dialect);
  });

  describe.each(SIGN_TYPES)('%s', (signType: SignType) => {
    it.each(REQUESTS.map((v) => [v.name, v] as const))('verifies the 3.0 request "%s"', (_name, v) => {
      const fields = daxpay30Dialect.signedFields(
        { ...v.input, sign: v[signType], unknown: 'not signed' },
        new Set([...Object.keys(v.input), 'sign']),
      );
      expect(fields).not.toHaveProperty('unknown');
      expect(daxpay30Dialect.verify(fields, signType, ['other', SECRET])).toBe(1);
      expect(daxpay30Dialect.verify({ ...fields, nonceStr: 'tampered' }, signType, [SECRET])).toBe(-1);
    });

    it.each(ANSWERS.map((v) => [v.name, v] as const))('answers "%s" with 3.0\'s own sign', (_name, v) => {
      const input = v.input as {
        code: number;
        msg: string;
        data?: Record<string, unknown>;
        resTime: string;
        traceId?: string;
      };
      const route = v.dataClass ? ROUTE_OF[v.dataClass] : undefined;
      // The business hands the dialect its neutral layout: code, msg (failures) and the bean's fields in any order.
      const business = input.code === 0 ? { code: 0, ...input.data } : { code: input.code, msg: input.msg };
      const answer = daxpay30Dialect.answer(business, {
        signType,
        secret: SECRET,
        traceId: input.traceId as string,
        now: parseChinaDateTime(input.resTime)!,
        route,
      });
      expect(answer.sign).toBe(v[signType]);
      expect(answer.resTime).toBe(input.resTime);
      // Members in DaxResult's declaration order; data in the bean's.
      const expectedKeys = [
        'code',
        'msg',
        ...(input.data ? ['data'] : []),
        'sign',
        'resTime',
        ...(input.traceId ? ['traceId'] : []),
      ];
      expect(Object.keys(answer)).toEqual(expectedKeys);
      // An independent re-implementation agrees (and would catch a sign over the wrong order).
      expect(
        daxpay3Reference.verifyAnswer(JSON.parse(JSON.stringify(answer)), v.dataClass ?? null, signType, SECRET),
      ).toBe(true);
    });
  });

  it('drops members the bean lacks (unionId, snapshot flags): the 3.0 client signs its typed bean', () => {
    const answer = daxpay30Dialect.answer(
      { code: 0, status: 'success', unionId: 'u1', accessToken: 'at', openId: 'o1', snapshotUser: true },
      { signType: 'MD5', secret: SECRET, traceId: 't', now: 1_750_000_000, route: 'auth' },
    );
    expect(answer.data).toEqual({ openId: 'o1', accessToken: 'at', status: 'success' });
    expect(Object.keys(answer.data as object)).toEqual(['openId', 'accessToken', 'status']);
  });

  it('answers authAndSet without data, and a business failure as a signed DaxResult<Void> with OPERATION_FAIL', () => {
    const signing = {
      signType: 'HMAC_SHA256' as const,
      secret: SECRET,
      traceId: 'T1',
      now: 1_750_000_000,
      route: 'authAndSet',
    };
    const ok = daxpay30Dialect.answer({ code: 0 }, signing);
    expect(ok).not.toHaveProperty('data');
    expect(daxpay3Reference.verifyAnswer(ok, null, 'HMAC_SHA256', SECRET)).toBe(true);
    const failed = daxpay30Dialect.answer(
      { code: 1, msg: 'the payer declined', wxErrcode: 40029 },
      { ...signing, route: 'auth' },
    );
    expect(failed).toMatchObject({ code: DAXPAY3_OPERATION_FAIL, msg: 'the payer declined', traceId: 'T1' });
    expect(failed).not.toHaveProperty('data');
    expect(daxpay3Reference.verifyAnswer(failed, null, 'HMAC_SHA256', SECRET)).toBe(true);
    // What the bean lacks rides outside the signed members, as in every dialect.
    expect(failed.wxErrcode).toBe(40029);
  });

  it("answers failures before the business with bootx 3.0's numbers (validation 10506), unsigned", () => {
    expect(daxpay30Dialect.outerCode!(10006)).toBe(10506);
    expect(daxpay30Dialect.outerCode!(20052)).toBe(20052);
    expect(daxpay30Dialect.outerCode!(29403)).toBe(29403);
    expect(daxpay30Dialect.failure).toBeUndefined();
  });

  it('requires mchNo and appId and has a symmetric reqTime window', () => {
    expect(daxpay30Dialect.requiredHeadFields).toEqual(['mchNo', 'appId']);
    const ahead = daxpay30Dialect.maxAheadSeconds!(300);
    expect(() => checkReqTimeWindow(1000 + 300, 300, 1000, ahead)).not.toThrow();
    expect(() => checkReqTimeWindow(1000 + 301, 300, 1000, ahead)).toThrow(
      /301 s ahead of the server clock \(at most 300 s/,
    );
    expect(() => checkReqTimeWindow(1000 - 300, 300, 1000, ahead)).not.toThrow();
    expect(() => checkReqTimeWindow(1000 - 301, 300, 1000, ahead)).toThrow(/behind/);
    // The 2.0 rule stays 60 s ahead.
    expect(dialectFor('daxpay-2.0.6').maxAheadSeconds).toBeUndefined();
    expect(() => checkReqTimeWindow(1061, 300, 1000)).toThrow(/at most 60 s/);
  });
});
