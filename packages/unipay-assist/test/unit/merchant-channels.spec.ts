import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alipayOptionsFromEnv, resolveAlipayOptions } from '../../src/alipay/alipay.options';
import { AssistConfigError } from '../../src/kernel/assist-config.error';
import { MerchantConfigError } from '../../src/merchants/merchant-config.error';
import { merchantsFromEnv } from '../../src/merchants/merchants-from-env';
import { normalizeMerchant } from '../../src/merchants/normalize-merchant';

const pem = (k: { privateKey: string; publicKey: string }) => k;
const app = pem(
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }),
);
const alipay = pem(
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }),
);
const MINI_SECRET = 'MINISECRET-0123456789';
/** The base64 body of a PEM, as Alipay's key tool shows keys. */
const bare = (p: string) => p.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');

const merchant = (extra: Record<string, unknown>) => ({
  mchNo: 'M100',
  wechat: { appId: 'wx1234567890', appSecret: 'WXSECRET-0123456789abcdef' },
  signSecret: 'SIGNSECRET-fedcba9876543210',
  ...extra,
});

function configError(fn: () => unknown): MerchantConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MerchantConfigError);
    const message = (err as Error).message;
    // No key material and no secret, in any form, whatever went wrong.
    for (const secret of [bare(app.privateKey).slice(40, 80), bare(alipay.publicKey).slice(40, 80), MINI_SECRET]) {
      expect(message).not.toContain(secret);
    }
    return err as MerchantConfigError;
  }
  throw new Error('did not throw');
}

describe('merchant alipay and miniProgram', () => {
  it('takes an Alipay app with inline keys (PEM or bare base64) and normalises them to PKCS#8 / SPKI PEM', () => {
    const m = normalizeMerchant(
      merchant({
        alipay: { appId: '2021000000000001', appPrivateKey: bare(app.privateKey), alipayPublicKey: alipay.publicKey },
      }),
      0,
    );
    expect(m.alipay).toEqual({
      appId: '2021000000000001',
      appPrivateKeyPem: expect.stringContaining('-----BEGIN PRIVATE KEY-----'),
      alipayPublicKeyPem: expect.stringContaining('-----BEGIN PUBLIC KEY-----'),
      scope: 'auth_base',
    });
    expect(Object.isFrozen(m.alipay)).toBe(true);
    expect(m.miniProgram).toBeUndefined();
  });

  it('reads keys from files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alipay-keys-'));
    try {
      writeFileSync(join(dir, 'app.pem'), app.privateKey);
      writeFileSync(join(dir, 'alipay.pem'), alipay.publicKey);
      const m = normalizeMerchant(
        merchant({
          alipay: {
            appId: '2021000000000001',
            appPrivateKeyFile: join(dir, 'app.pem'),
            alipayPublicKeyFile: join(dir, 'alipay.pem'),
            scope: 'auth_user',
          },
        }),
        0,
      );
      expect(m.alipay?.scope).toBe('auth_user');
      expect(m.alipay?.appPrivateKeyPem).toContain('PRIVATE KEY');
      const missing = configError(() =>
        normalizeMerchant(
          merchant({
            alipay: {
              appId: '2021000000000001',
              appPrivateKeyFile: join(dir, 'nope.pem'),
              alipayPublicKey: alipay.publicKey,
            },
          }),
          0,
        ),
      );
      expect(missing.message).toBe(
        `unipay-assist merchant #1 (M100): alipay.appPrivateKeyFile cannot be read: ENOENT ${join(dir, 'nope.pem')}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [
      { appId: 'abc', appPrivateKey: app.privateKey, alipayPublicKey: alipay.publicKey },
      'alipay.appId must be an Alipay app id (digits)',
    ],
    [
      { appId: '2021000000000001', alipayPublicKey: alipay.publicKey },
      'alipay.appPrivateKey is missing (give alipay.appPrivateKey or alipay.appPrivateKeyFile)',
    ],
    [
      {
        appId: '2021000000000001',
        appPrivateKey: app.privateKey,
        appPrivateKeyFile: '/x',
        alipayPublicKey: alipay.publicKey,
      },
      'alipay.appPrivateKey and alipay.appPrivateKeyFile are both set: give one',
    ],
    [
      { appId: '2021000000000001', appPrivateKey: app.privateKey, alipayPublicKey: app.publicKey },
      "alipay.alipayPublicKey is the app's own public key",
    ],
    [
      { appId: '2021000000000001', appPrivateKey: alipay.publicKey, alipayPublicKey: alipay.publicKey },
      'alipay.appPrivateKey must be an RSA private key',
    ],
    [
      { appId: '2021000000000001', appPrivateKey: app.privateKey, alipayPublicKey: app.privateKey },
      "alipay.alipayPublicKey holds a private key: it must be Alipay's public key",
    ],
    [
      {
        appId: '2021000000000001',
        appPrivateKey: app.privateKey,
        alipayPublicKey: alipay.publicKey,
        scope: 'snsapi_base',
      },
      'alipay.scope must be auth_base or auth_user',
    ],
    ['yes', 'alipay must be an object'],
  ])('refuses a bad Alipay app naming merchant and field (%#)', (alipayInput, expected) => {
    const err = configError(() => normalizeMerchant(merchant({ alipay: alipayInput }), 0));
    expect(err.merchant).toBe('#1 (M100)');
    expect(err.message).toContain(`unipay-assist merchant #1 (M100): ${expected}`);
  });

  it('takes a mini program and refuses a bad one by field', () => {
    expect(
      normalizeMerchant(merchant({ miniProgram: { appId: 'wxmini01', appSecret: MINI_SECRET } }), 0).miniProgram,
    ).toEqual({
      appId: 'wxmini01',
      appSecret: MINI_SECRET,
    });
    expect(
      configError(() => normalizeMerchant(merchant({ miniProgram: { appId: 'wx mini', appSecret: MINI_SECRET } }), 0))
        .field,
    ).toBe('miniProgram.appId');
    expect(
      configError(() => normalizeMerchant(merchant({ miniProgram: { appId: 'wxmini01', appSecret: ' ' } }), 0)).field,
    ).toBe('miniProgram.appSecret');
  });

  it('builds both from ASSIST_* variables; a partial Alipay set fails naming the missing field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alipay-env-'));
    try {
      writeFileSync(join(dir, 'app.pem'), app.privateKey);
      writeFileSync(join(dir, 'alipay.pem'), alipay.publicKey);
      const base = { ASSIST_MCH_NO: 'M1', ASSIST_WX_APP_ID: 'wx1', ASSIST_WX_APP_SECRET: 's', ASSIST_SIGN_SECRET: 'k' };
      const [raw] = merchantsFromEnv({
        ...base,
        ASSIST_ALIPAY_APP_ID: '2021000000000001',
        ASSIST_ALIPAY_PRIVATE_KEY_FILE: join(dir, 'app.pem'),
        ASSIST_ALIPAY_PUBLIC_KEY_FILE: join(dir, 'alipay.pem'),
        ASSIST_WX_MINI_APP_ID: 'wxmini01',
        ASSIST_WX_MINI_APP_SECRET: MINI_SECRET,
      });
      const m = normalizeMerchant(raw, 0);
      expect(m.alipay?.appId).toBe('2021000000000001');
      expect(m.miniProgram).toEqual({ appId: 'wxmini01', appSecret: MINI_SECRET });
      const [partial] = merchantsFromEnv({
        ...base,
        ASSIST_ALIPAY_APP_ID: '2021000000000001',
        ASSIST_ALIPAY_PRIVATE_KEY_FILE: join(dir, 'app.pem'),
      });
      expect(configError(() => normalizeMerchant(partial, 0)).field).toBe('alipay.alipayPublicKey');
      const [none] = merchantsFromEnv(base);
      expect(normalizeMerchant(none, 0)).not.toHaveProperty('alipay');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('alipay module options', () => {
  it('fills defaults and checks values by option name', () => {
    expect(resolveAlipayOptions(undefined)).toEqual({
      gateway: 'https://openapi.alipay.com/gateway.do',
      openAuthBase: 'https://openauth.alipay.com',
      timeoutMs: 5000,
    });
    expect(
      resolveAlipayOptions({
        gateway: 'http://127.0.0.1:9/gateway.do',
        openAuthBase: 'http://127.0.0.1:9/',
        timeoutMs: 800,
      }),
    ).toEqual({
      gateway: 'http://127.0.0.1:9/gateway.do',
      openAuthBase: 'http://127.0.0.1:9',
      timeoutMs: 800,
    });
    expect(() => resolveAlipayOptions({ timeoutMs: 0 })).toThrow(
      new AssistConfigError('alipay.timeoutMs', 'must be a whole number from 1 to 60000 (got 0)'),
    );
    expect(() => resolveAlipayOptions({ gateway: 'ftp://x' })).toThrow(
      /alipay\.gateway must be an absolute http\(s\) URL/,
    );
    expect(() => alipayOptionsFromEnv({ ALIPAY_TIMEOUT_MS: 'soon' })).toThrow(
      /ALIPAY_TIMEOUT_MS must be a whole number/,
    );
    expect(alipayOptionsFromEnv({ ALIPAY_GATEWAY: 'http://127.0.0.1:1/gateway.do' }).gateway).toBe(
      'http://127.0.0.1:1/gateway.do',
    );
  });
});
