import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { checkAlipayKeys } from '../../src/alipay/alipay-keys';

function rsa(bits = 2048): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: bits });
}

const app = rsa();
const alipay = rsa();
const pkcs8Pem = app.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const pkcs1Pem = app.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const pkcs8Bare = app.privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
const pkcs1Bare = app.privateKey.export({ type: 'pkcs1', format: 'der' }).toString('base64');
const spkiPem = alipay.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const spkiBare = alipay.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const pkcs1PubBare = alipay.publicKey.export({ type: 'pkcs1', format: 'der' }).toString('base64');

describe('checkAlipayKeys', () => {
  it.each([
    ['PKCS#8 PEM', pkcs8Pem],
    ['PKCS#1 PEM', pkcs1Pem],
    ['bare base64 PKCS#8', pkcs8Bare],
    ['bare base64 PKCS#1 (what Alipay key tools print)', pkcs1Bare],
    ['bare base64 wrapped at 64 columns', pkcs1Bare.replace(/(.{64})/g, '$1\n')],
  ])('reads the app private key as %s and hands it on as PKCS#8 PEM', (_label, appPrivateKey) => {
    const r = checkAlipayKeys({ appPrivateKey, alipayPublicKey: spkiPem });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.appPrivateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(createPrivateKey(r.appPrivateKeyPem).export({ type: 'pkcs8', format: 'der' })).toEqual(
      app.privateKey.export({ type: 'pkcs8', format: 'der' }),
    );
  });

  it.each([
    ['SPKI PEM', spkiPem],
    ['bare base64 SPKI (what the Alipay open platform shows)', spkiBare],
    ['bare base64 PKCS#1', pkcs1PubBare],
  ])("reads Alipay's public key as %s and hands it on as SPKI PEM", (_label, alipayPublicKey) => {
    const r = checkAlipayKeys({ appPrivateKey: pkcs8Pem, alipayPublicKey });
    expect(r.ok && r.alipayPublicKeyPem).toBe(spkiPem);
  });

  // Titles name the case, never the key: test output is a log too.
  it.each([
    ['no private key', { alipayPublicKey: spkiPem }, 'appPrivateKey', /appPrivateKey is missing/],
    [
      'a blank private key',
      { appPrivateKey: '  ', alipayPublicKey: spkiPem },
      'appPrivateKey',
      /appPrivateKey is missing/,
    ],
    [
      'text that is no key',
      { appPrivateKey: 'not a key at all!', alipayPublicKey: spkiPem },
      'appPrivateKey',
      /neither PEM nor base64/,
    ],
    [
      'base64 that is no key',
      { appPrivateKey: 'QUJDREVG', alipayPublicKey: spkiPem },
      'appPrivateKey',
      /not a PKCS#8 or PKCS#1 private key/,
    ],
    [
      'a public key as the private key',
      { appPrivateKey: spkiPem, alipayPublicKey: spkiPem },
      'appPrivateKey',
      /must be an RSA private key/,
    ],
    [
      'broken private PEM',
      { appPrivateKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', alipayPublicKey: spkiPem },
      'appPrivateKey',
      /does not parse/,
    ],
    ['no Alipay public key', { appPrivateKey: pkcs8Pem }, 'alipayPublicKey', /alipayPublicKey is missing/],
    [
      'a private PEM as Alipay public key',
      { appPrivateKey: pkcs8Pem, alipayPublicKey: pkcs8Pem },
      'alipayPublicKey',
      /holds a private key/,
    ],
    [
      'a bare private key as Alipay public key',
      { appPrivateKey: pkcs8Pem, alipayPublicKey: pkcs8Bare },
      'alipayPublicKey',
      /holds a private key/,
    ],
    [
      'another bare private key as Alipay public key',
      {
        appPrivateKey: pkcs8Pem,
        alipayPublicKey: alipay.privateKey.export({ type: 'pkcs1', format: 'der' }).toString('base64'),
      },
      'alipayPublicKey',
      /holds a private key/,
    ],
    [
      'a certificate',
      { appPrivateKey: pkcs8Pem, alipayPublicKey: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' },
      'alipayPublicKey',
      /certificate mode is not supported/,
    ],
    [
      'base64 that is no public key',
      { appPrivateKey: pkcs8Pem, alipayPublicKey: 'QUJDREVG' },
      'alipayPublicKey',
      /not an SPKI or PKCS#1 public key/,
    ],
  ])('refuses %s, naming the field', (_label, input, field, reason) => {
    const r = checkAlipayKeys(input);
    expect(r).toMatchObject({ ok: false, field, reason: expect.stringMatching(reason) });
  });

  it("catches the app's own public key pasted where Alipay's belongs", () => {
    const own = createPublicKey(app.privateKey).export({ type: 'spki', format: 'pem' }).toString();
    expect(checkAlipayKeys({ appPrivateKey: pkcs1Bare, alipayPublicKey: own })).toMatchObject({
      ok: false,
      field: 'alipayPublicKey',
      reason: expect.stringMatching(/app's own public key/),
    });
  });

  it('refuses keys weaker than RSA2 needs and keys that are not RSA', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(
      checkAlipayKeys({
        appPrivateKey: small.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        alipayPublicKey: spkiPem,
      }),
    ).toMatchObject({
      ok: false,
      field: 'appPrivateKey',
      reason: 'appPrivateKey must be at least 2048 bits for RSA2 (got 1024)',
    });
    expect(
      checkAlipayKeys({
        appPrivateKey: pkcs8Pem,
        alipayPublicKey: ec.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      }),
    ).toMatchObject({ ok: false, field: 'alipayPublicKey', reason: 'alipayPublicKey must be an RSA key (got ec)' });
  });

  it('never puts key material in a reason', () => {
    const mangled = pkcs1Bare.slice(0, 200) + '!!' + pkcs1Bare.slice(200);
    const r = checkAlipayKeys({ appPrivateKey: mangled, alipayPublicKey: spkiPem });
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).not.toContain(pkcs1Bare.slice(20, 60));
  });
});
