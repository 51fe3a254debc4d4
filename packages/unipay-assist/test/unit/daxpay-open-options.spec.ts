import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openOptionsFromEnv, resolveOpenOptions } from '../../src/daxpay-open/open.options';
import { requirePlatformKey } from '../../src/module/assist.providers';
import { merchantsFromEnv } from '../../src/merchants/merchants-from-env';
import { normalizeMerchants } from '../../src/merchants/normalize-merchant';
import { openVectors, rsaPair } from '../../../../test/support/daxpay-open-reference';

const platform = openVectors.keys['platform-test'];
const merchantKey = openVectors.keys['merchant-test'];
const bare = (pem: string) => pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');

describe('DaxPay Open options at start', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'open-options-'));
    writeFileSync(join(dir, 'platform.pem'), platform.privateKeyPem);
    writeFileSync(join(dir, 'merchant.pem'), merchantKey.publicKeyPem);
    writeFileSync(join(dir, 'MP_verify_Ab12.txt'), 'Ab12');
    writeFileSync(join(dir, 'unrelated.txt'), 'x');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the platform key inline (PEM or bare base64) or from a file', () => {
    expect(resolveOpenOptions({ privateKey: platform.privateKeyPem }, undefined, undefined).platformKey?.type).toBe(
      'private',
    );
    expect(
      resolveOpenOptions({ privateKey: bare(platform.privateKeyPem) }, undefined, undefined).platformKey?.type,
    ).toBe('private');
    expect(
      resolveOpenOptions({ privateKeyFile: join(dir, 'platform.pem') }, undefined, undefined).platformKey?.type,
    ).toBe('private');
    expect(resolveOpenOptions(undefined, undefined, undefined).platformKey).toBeNull();
  });

  it('names the setting for a bad platform key and never echoes it', () => {
    const cases: [unknown, RegExp][] = [
      [{ privateKey: merchantKey.publicKeyPem }, /platformKey\.privateKey is a PEM "PUBLIC KEY", not a private key/],
      [{ privateKey: rsaPair(1024).privateKeyPem }, /platformKey\.privateKey is a 1024-bit RSA key; at least 2048/],
      [{ privateKey: 'x', privateKeyFile: 'y' }, /platformKey has privateKey and privateKeyFile: give one/],
      [{ privateKeyFile: join(dir, 'none.pem') }, /platformKey\.privateKeyFile cannot be read: ENOENT/],
      ['pem', /platformKey must be an object/],
    ];
    for (const [option, message] of cases) {
      let err: Error | undefined;
      try {
        resolveOpenOptions(option, undefined, undefined);
      } catch (e) {
        err = e as Error;
      }
      expect(err?.message).toMatch(message);
      expect(err?.message).not.toContain(bare(platform.privateKeyPem).slice(30, 70));
    }
  });

  it('MP_verify files from the option and from a directory (only MP_verify_<code>.txt names)', () => {
    const { mpVerifyFiles } = resolveOpenOptions(undefined, { Zz9: 'Zz9', 'MP_verify_Qq1.txt': 'Qq1' }, dir);
    expect([...mpVerifyFiles.entries()].sort()).toEqual([
      ['Ab12', 'Ab12'],
      ['Qq1', 'Qq1'],
      ['Zz9', 'Zz9'],
    ]);
    expect(() => resolveOpenOptions(undefined, { '../etc': 'x' }, undefined)).toThrow(
      /is not a WeChat verification code/,
    );
    expect(() => resolveOpenOptions(undefined, { Ok1: '' }, undefined)).toThrow(
      /mpVerifyFiles\.Ok1 must be the file contents/,
    );
    expect(() => resolveOpenOptions(undefined, undefined, join(dir, 'nope'))).toThrow(/mpVerifyDir cannot be read/);
  });

  it('an Open merchant without the platform key fails at start naming the merchant; with it, passes', () => {
    const merchants = normalizeMerchants([
      { mchNo: 'M1', wechat: { appId: 'wx1', appSecret: 's' }, signSecret: 'k' },
      {
        mchNo: 'M2',
        wechat: { appId: 'wx1', appSecret: 's' },
        dialect: 'daxpay-open',
        signPublicKey: merchantKey.publicKeyPem,
      },
    ]);
    expect(() => requirePlatformKey(merchants, resolveOpenOptions(undefined, undefined, undefined))).toThrow(
      /merchant #2 \(M2\): dialect daxpay-open needs the gateway platform key/,
    );
    expect(
      requirePlatformKey(merchants, resolveOpenOptions({ privateKey: platform.privateKeyPem }, undefined, undefined)),
    ).toHaveLength(2);
  });

  it('environment: ASSIST_PLATFORM_PRIVATE_KEY(_FILE), ASSIST_MP_VERIFY_DIR, and a DaxPay Open merchant from ASSIST_* variables', () => {
    expect(openOptionsFromEnv({ ASSIST_PLATFORM_PRIVATE_KEY_FILE: '/k.pem', ASSIST_MP_VERIFY_DIR: '/mp' })).toEqual({
      platformKey: { privateKeyFile: '/k.pem' },
      mpVerifyDir: '/mp',
    });
    expect(openOptionsFromEnv({ ASSIST_PLATFORM_PRIVATE_KEY: 'pem' })).toEqual({ platformKey: { privateKey: 'pem' } });
    expect(() =>
      openOptionsFromEnv({ ASSIST_PLATFORM_PRIVATE_KEY: 'a', ASSIST_PLATFORM_PRIVATE_KEY_FILE: 'b' }),
    ).toThrow(/both set/);
    const [merchant] = normalizeMerchants(
      merchantsFromEnv({
        ASSIST_MCH_NO: 'M9',
        ASSIST_WX_APP_ID: 'wx9',
        ASSIST_WX_APP_SECRET: 's',
        ASSIST_DIALECT: 'daxpay-open',
        ASSIST_SIGN_PUBLIC_KEY_FILE: `${join(dir, 'merchant.pem')}, ${join(dir, 'merchant.pem')}`,
      }),
    );
    expect(merchant).toMatchObject({ dialect: 'daxpay-open', signType: 'RSA' });
    expect(merchant.signPublicKeys).toHaveLength(2);
  });
});
