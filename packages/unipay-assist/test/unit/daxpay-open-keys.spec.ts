import { generateKeyPairSync } from 'node:crypto';
import { OpenKeyError, parseOpenPrivateKey, parseOpenPublicKey } from '../../../wire/src/signing/daxpay-open-keys';
import { normalizeMerchant } from '../../src/merchants/normalize-merchant';
import { openVectors, rsaPair } from '../../../../test/support/daxpay-open-reference';

const merchantPair = openVectors.keys['merchant-test'];
const bare = (pem: string) => pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');

function openMerchant(extra: Record<string, unknown>) {
  return { mchNo: 'M9', wechat: { appId: 'wx1', appSecret: 's' }, dialect: 'daxpay-open', ...extra };
}

describe('DaxPay Open keys at start', () => {
  it('reads a public key as SPKI PEM or bare base64', () => {
    expect(parseOpenPublicKey(merchantPair.publicKeyPem).asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(parseOpenPublicKey(bare(merchantPair.publicKeyPem)).asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('says a private key where a public one belongs, PEM or base64, without echoing it', () => {
    for (const text of [merchantPair.privateKeyPem, bare(merchantPair.privateKeyPem)]) {
      let err: unknown;
      try {
        parseOpenPublicKey(text);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(OpenKeyError);
      expect((err as Error).message).toMatch(/is a private key/);
      expect((err as Error).message).not.toContain(bare(merchantPair.privateKeyPem).slice(20, 60));
    }
  });

  it('refuses a key under 2048 bits and a key that is not RSA', () => {
    expect(() => parseOpenPublicKey(rsaPair(1024).publicKeyPem)).toThrow(/1024-bit RSA key; at least 2048/);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => parseOpenPublicKey(ec.publicKey.export({ format: 'pem', type: 'spki' }).toString())).toThrow(/ec key/);
    expect(() => parseOpenPrivateKey(rsaPair(1024).privateKeyPem)).toThrow(/1024-bit/);
    expect(() => parseOpenPrivateKey(merchantPair.publicKeyPem)).toThrow(/not a private key/);
  });

  it('a daxpay-open merchant: RSA, public keys (several for a rotation), messages naming merchant and field', () => {
    const m = normalizeMerchant(
      openMerchant({ signPublicKey: [merchantPair.publicKeyPem, rsaPair().publicKeyPem] }),
      0,
    );
    expect(m.signType).toBe('RSA');
    expect(m.signPublicKeys).toHaveLength(2);
    expect(m.signSecrets).toEqual([]);
    expect(() => normalizeMerchant(openMerchant({}), 0)).toThrow(/merchant #1 \(M9\): signPublicKey is missing/);
    expect(() => normalizeMerchant(openMerchant({ signPublicKey: merchantPair.privateKeyPem }), 0)).toThrow(
      /merchant #1 \(M9\): signPublicKey is a private key/,
    );
    expect(() => normalizeMerchant(openMerchant({ signPublicKey: ['x!', rsaPair(1024).publicKeyPem] }), 0)).toThrow(
      /signPublicKey\[0\] is neither/,
    );
    expect(() =>
      normalizeMerchant(openMerchant({ signPublicKey: merchantPair.publicKeyPem, signType: 'MD5' }), 0),
    ).toThrow(/signType must be RSA/);
    expect(() =>
      normalizeMerchant(openMerchant({ signPublicKey: merchantPair.publicKeyPem, signSecret: 'x' }), 0),
    ).toThrow(/signSecret is not used/);
    expect(() => normalizeMerchant(openMerchant({ signPublicKeyFile: '/nonexistent/key.pem' }), 0)).toThrow(
      /signPublicKeyFile cannot be read: ENOENT/,
    );
    expect(() =>
      normalizeMerchant({ ...openMerchant({ signSecret: 'x' }), dialect: undefined, signType: 'RSA' }, 0),
    ).toThrow(/signType RSA is DaxPay Open's: set dialect: daxpay-open/);
  });
});
