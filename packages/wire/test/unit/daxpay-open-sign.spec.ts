import { createPublicKey } from 'node:crypto';
import {
  OPEN_MAX_DEPTH,
  OpenSignDepthError,
  openReturnSignString,
  openSign,
  openSignString,
  openSignStringOfRaw,
  openVerify,
  withOpenSign,
} from '../../src/signing/daxpay-open-sign';
import { parseOpenPrivateKey, parseOpenPublicKey } from '../../src/signing/daxpay-open-keys';
import { signOpenResult } from '../../src/signing/daxpay-open-result';
import { openReference, openVector, openVectors, rsaPair } from '../../../../test/support/daxpay-open-reference';

const keyOf = (name: string) => openVectors.keys[name];
const pub = (name: string) => parseOpenPublicKey(keyOf(name).publicKeyPem);
const priv = (name: string) => parseOpenPrivateKey(keyOf(name).privateKeyPem);

describe('DaxPay Open sign string and SHA256withRSA (vectors)', () => {
  const requests = openVectors.vectors.filter((v) => v.kind === 'request');
  const answers = openVectors.vectors.filter((v) => v.kind === 'answer');
  const returns = openVectors.vectors.filter((v) => v.kind === 'return');

  it.each(requests.map((v) => [v.name, v] as const))(
    '%s: the sign string and the sign match the vector',
    (_name, v) => {
      expect(openSignString(v.input!)).toBe(v.signString);
      // PKCS#1 v1.5 is deterministic: the same key and string give the vector's own bytes.
      expect(openSign(v.signString, priv(v.signedWith))).toBe(v.sign);
      expect(openVerify(v.signString, v.sign, [pub(v.signedWith)])).toBe(0);
    },
  );

  it.each(answers.map((v) => [v.name, v] as const))(
    "%s: the raw body's sign string verifies; the tampered copy does not",
    (_name, v) => {
      expect(openSignStringOfRaw(v.raw!)).toBe(v.signString);
      expect(openVerify(v.signString, v.sign, [pub(v.signedWith)])).toBe(0);
      if (v.tampered) expect(openVerify(openSignString(v.tampered), v.sign, [pub(v.signedWith)])).toBe(-1);
    },
  );

  it.each(returns.map((v) => [v.name, v] as const))('%s: signed over code, msg and camel-case openId', (_name, v) => {
    expect(openReturnSignString(v.input as { code: number; msg: string; openId?: string })).toBe(v.signString);
    expect(openSign(v.signString, priv(v.signedWith))).toBe(v.sign);
    if (v.tampered)
      expect(
        openVerify(openReturnSignString(v.tampered as { code: number; msg: string; openId?: string }), v.sign, [
          pub(v.signedWith),
        ]),
      ).toBe(-1);
  });

  it('agrees with the independent reference on every vector input', () => {
    for (const v of openVectors.vectors) {
      const input = v.input ?? JSON.parse(v.raw!);
      expect(openSignString(input)).toBe(openReference.signString(input));
    }
  });

  it('signs what the SDKs verify: a DaxResult built here verifies over its own JSON text with the reference', () => {
    const key = priv('platform-test');
    const answer = signOpenResult(
      {
        code: 0,
        msg: 'success',
        data: { a: [1, { b: null, c: '' }], flag: true },
        resTime: '2026-01-15 10:30:01',
        reqId: 'R1',
      },
      key,
    );
    const raw = JSON.stringify(answer);
    expect(openReference.verifyRaw(raw, keyOf('platform-test').publicKeyPem)).toBe(true);
    expect(openSignStringOfRaw(raw)).toBe(
      'code=0&data.a[0]=1&data.a[1].c=&data.flag=true&msg=success&reqId=R1&resTime=2026-01-15 10:30:01',
    );
  });

  it('drops sign in any case, skips nulls, keeps empty strings, sorts by code unit (upper case first)', () => {
    expect(openSignString({ b: '', a: null, SIGN: 'x', Sign: 'y', Z: 1, 'a.b': 2 })).toBe('Z=1&a.b=2&b=');
  });

  it('any of several keys verifies (a rotation), and says which; base64 garbage and a wrong key never do', () => {
    const v = openVector('ping-request');
    const other = createPublicKey(rsaPair().publicKeyPem);
    expect(openVerify(v.signString, v.sign, [other, pub('merchant-test')])).toBe(1);
    expect(openVerify(v.signString, v.sign, [other])).toBe(-1);
    expect(openVerify(v.signString, 'not base64!', [pub('merchant-test')])).toBe(-1);
    expect(openVerify(v.signString, '', [pub('merchant-test')])).toBe(-1);
    expect(openVerify(v.signString, 42, [pub('merchant-test')])).toBe(-1);
  });

  it('withOpenSign signs over everything but an old sign', () => {
    const signed = withOpenSign({ mchNo: 'M1', sign: 'old' }, priv('merchant-test'));
    expect(openReference.verify('mchNo=M1', signed.sign, keyOf('merchant-test').publicKeyPem)).toBe(true);
  });

  it('refuses nesting deeper than any DaxPay model instead of overflowing the stack', () => {
    let deep: unknown = 'x';
    for (let i = 0; i <= OPEN_MAX_DEPTH + 1; i++) deep = [deep];
    expect(() => openSignString({ deep })).toThrow(OpenSignDepthError);
  });
});
