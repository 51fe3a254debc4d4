import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MerchantConfigError } from '../../src/merchants/merchant-config.error';
import { merchantsFromEnv } from '../../src/merchants/merchants-from-env';
import { normalizeMerchant, normalizeMerchants } from '../../src/merchants/normalize-merchant';

const WX_SECRET = 'WXSECRET-0123456789abcdef';
const SIGN_SECRET = 'SIGNSECRET-fedcba9876543210';

const valid = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  mchNo: 'M100',
  wechat: { appId: 'wx1234567890', appSecret: WX_SECRET },
  signSecret: SIGN_SECRET,
  ...extra,
});

function configError(fn: () => unknown): MerchantConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MerchantConfigError);
    const e = err as MerchantConfigError;
    // Whatever went wrong, neither secret is ever in the message.
    expect(e.message).not.toContain(WX_SECRET);
    expect(e.message).not.toContain(SIGN_SECRET);
    return e;
  }
  throw new Error('did not throw');
}

describe('normalizeMerchant', () => {
  it('fills the defaults', () => {
    expect(normalizeMerchant(valid(), 0)).toEqual({
      mchNo: 'M100',
      appId: undefined,
      wechat: { appId: 'wx1234567890', appSecret: WX_SECRET },
      signType: 'HMAC_SHA256',
      signSecrets: [SIGN_SECRET],
      reqTimeout: 300,
      signRequired: true,
      redirectHosts: undefined,
      default: false,
      dialect: 'daxpay-2.0.6',
      replay: 'answer',
      reqTimeZone: 'Asia/Shanghai',
    });
  });

  it('pins a merchant with dialects (dialect first, default the first listed) or strictDialect, and names the field for a bad value', () => {
    expect(normalizeMerchant(valid({ dialects: ['daxpay-3.0', 'daxpay-multi'] }), 0)).toMatchObject({
      dialect: 'daxpay-3.0',
      dialects: ['daxpay-3.0', 'daxpay-multi'],
    });
    expect(
      normalizeMerchant(valid({ dialect: 'daxpay-multi', dialects: ['daxpay-3.0', 'daxpay-multi'] }), 0).dialects,
    ).toEqual(['daxpay-multi', 'daxpay-3.0']);
    expect(normalizeMerchant(valid({ strictDialect: true }), 0).dialects).toEqual(['daxpay-2.0.6']);
    expect(normalizeMerchant(valid({ dialect: 'daxpay-2.0.1', strictDialect: true }), 0).dialects).toEqual([
      'daxpay-2.0.1',
    ]);
    expect(normalizeMerchant(valid(), 0).dialects).toBeUndefined();
    expect(() => normalizeMerchant(valid({ dialects: [] }), 0)).toThrow(
      /merchant #1 \(M100\): dialects must be a non-empty list/,
    );
    expect(() => normalizeMerchant(valid({ dialects: ['daxpay-3.0', 'daxpay-9'] }), 0)).toThrow(
      /dialects\[1\] must be one of daxpay-2\.0\.0/,
    );
    expect(() => normalizeMerchant(valid({ dialect: 'daxpay-2.0.6', dialects: ['daxpay-3.0'] }), 0)).toThrow(
      /dialect is daxpay-2\.0\.6, which is not in dialects \(daxpay-3\.0\)/,
    );
    expect(() => normalizeMerchant(valid({ strictDialect: 'yes' }), 0)).toThrow(/strictDialect must be true or false/);
  });

  it('takes an IANA reqTimeZone, and names the field for anything else', () => {
    expect(normalizeMerchant(valid({ reqTimeZone: 'UTC' }), 0).reqTimeZone).toBe('UTC');
    expect(normalizeMerchant(valid({ reqTimeZone: 'Europe/Berlin' }), 0).reqTimeZone).toBe('Europe/Berlin');
    expect(() => normalizeMerchant(valid({ reqTimeZone: 'China/Beijing' }), 0)).toThrow(
      /reqTimeZone must be an IANA time zone name/,
    );
    expect(() => normalizeMerchant(valid({ reqTimeZone: 8 }), 0)).toThrow(/reqTimeZone must be an IANA time zone name/);
  });

  it("takes replay 'answer' or 'reject', and names the field for anything else", () => {
    expect(normalizeMerchant(valid({ replay: 'reject' }), 0).replay).toBe('reject');
    expect(() => normalizeMerchant(valid({ replay: 'ignore' }), 0)).toThrow(
      /merchant #1 \(M100\): replay must be one of answer, reject/,
    );
  });

  it('takes a DaxPay generation as dialect, and names the field for an unknown one', () => {
    expect(normalizeMerchant(valid({ dialect: 'daxpay-2.0.0' }), 0).dialect).toBe('daxpay-2.0.0');
    expect(() => normalizeMerchant(valid({ dialect: 'daxpay-9' }), 0)).toThrow(
      /merchant #1 \(M100\): dialect must be one of daxpay-2\.0\.0, /,
    );
  });

  it('accepts signSecrets (a rotation) and DaxPay spellings of the sign type', () => {
    const m = normalizeMerchant(
      valid({ signSecret: undefined, signSecrets: ['new', 'old'], signType: 'hmac-sha256' }),
      0,
    );
    expect(m.signSecrets).toEqual(['new', 'old']);
    expect(m.signType).toBe('HMAC_SHA256');
    expect(normalizeMerchant(valid({ signType: 'md5' }), 0).signType).toBe('MD5');
    expect(normalizeMerchant(valid({ signType: 'SM3' }), 0).signType).toBe('SM3');
  });

  it('is frozen, so a host cannot change a merchant under the relay', () => {
    const m = normalizeMerchant(valid({ signSecrets: ['a'] }), 0);
    expect(Object.isFrozen(m)).toBe(true);
    expect(Object.isFrozen(m.signSecrets)).toBe(true);
    expect(Object.isFrozen(m.wechat)).toBe(true);
  });

  it.each([
    ['not an object', 'x', '#3', '(entry)'],
    ['mchNo missing', valid({ mchNo: undefined }), '#3', 'mchNo'],
    ['mchNo blank', valid({ mchNo: '  ' }), '#3', 'mchNo'],
    ['mchNo too long', valid({ mchNo: 'M'.repeat(33) }), '#3', 'mchNo'],
    ['appId empty', valid({ appId: '' }), '#3 (M100)', 'appId'],
    ['appId too long', valid({ appId: 'A'.repeat(33) }), '#3 (M100)', 'appId'],
    ['wechat missing', valid({ wechat: undefined }), '#3 (M100)', 'wechat'],
    [
      'wechat.appId with a space',
      valid({ wechat: { appId: 'wx 1', appSecret: WX_SECRET } }),
      '#3 (M100)',
      'wechat.appId',
    ],
    [
      'wechat.appId that is the secret',
      valid({ wechat: { appId: `${WX_SECRET}!`, appSecret: WX_SECRET } }),
      '#3 (M100)',
      'wechat.appId',
    ],
    ['wechat.appSecret missing', valid({ wechat: { appId: 'wx1' } }), '#3 (M100)', 'wechat.appSecret'],
    ['wechat.appSecret blank', valid({ wechat: { appId: 'wx1', appSecret: ' ' } }), '#3 (M100)', 'wechat.appSecret'],
    ['signType unknown', valid({ signType: 'SHA1' }), '#3 (M100)', 'signType'],
    ['signType set to the secret', valid({ signType: SIGN_SECRET }), '#3 (M100)', 'signType'],
    ['signType not a string', valid({ signType: 5 }), '#3 (M100)', 'signType'],
    ['signSecret missing', valid({ signSecret: undefined }), '#3 (M100)', 'signSecret'],
    ['signSecrets empty list', valid({ signSecret: undefined, signSecrets: [] }), '#3 (M100)', 'signSecret'],
    ['signSecret empty', valid({ signSecret: '' }), '#3 (M100)', 'signSecret[0]'],
    ['second secret not a string', valid({ signSecrets: [SIGN_SECRET, 42] }), '#3 (M100)', 'signSecret[1]'],
    ['reqTimeout zero', valid({ reqTimeout: 0 }), '#3 (M100)', 'reqTimeout'],
    ['reqTimeout a float', valid({ reqTimeout: 1.5 }), '#3 (M100)', 'reqTimeout'],
    ['reqTimeout over a day', valid({ reqTimeout: 86_401 }), '#3 (M100)', 'reqTimeout'],
    ['reqTimeout a string', valid({ reqTimeout: '300' }), '#3 (M100)', 'reqTimeout'],
    ['signRequired a string', valid({ signRequired: 'no' }), '#3 (M100)', 'signRequired'],
    ['redirectHosts not a list', valid({ redirectHosts: 'a.com' }), '#3 (M100)', 'redirectHosts'],
    ['redirectHosts with a blank', valid({ redirectHosts: ['a.com', ' '] }), '#3 (M100)', 'redirectHosts'],
    ['default a string', valid({ default: 'yes' }), '#3 (M100)', 'default'],
  ])('%s: names merchant and field, never a secret', (_label, raw, merchant, field) => {
    const e = configError(() => normalizeMerchant(raw, 2));
    expect(e.merchant).toBe(merchant);
    expect(e.field).toBe(field);
    expect(e.message.startsWith(`unipay-assist merchant ${merchant}: ${field} `)).toBe(true);
  });
});

describe('normalizeMerchants', () => {
  it('needs at least one merchant', () => {
    expect(configError(() => normalizeMerchants([])).message).toBe(
      'unipay-assist merchant (none): merchants no merchant configured',
    );
    expect(configError(() => normalizeMerchants(undefined)).field).toBe('merchants');
  });

  it('rejects a duplicate (mchNo, appId), naming the later one', () => {
    const e = configError(() => normalizeMerchants([valid(), valid({ appId: 'A1' }), valid()]));
    expect(e.merchant).toBe('#3 (M100)');
    expect(e.field).toBe('mchNo/appId');
  });

  it('allows one mchNo with several appIds', () => {
    expect(normalizeMerchants([valid({ appId: 'A1' }), valid({ appId: 'A2' })])).toHaveLength(2);
  });

  it('rejects two defaults', () => {
    expect(
      configError(() => normalizeMerchants([valid({ default: true }), valid({ mchNo: 'M2', default: true })])).field,
    ).toBe('default');
  });

  it('reports the position of the broken entry in a list', () => {
    expect(configError(() => normalizeMerchants([valid(), valid({ mchNo: 'M2', reqTimeout: -1 })])).merchant).toBe(
      '#2 (M2)',
    );
  });
});

describe('merchantsFromEnv', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'assist-merchants-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('is empty with no ASSIST_* variables', () => {
    expect(merchantsFromEnv({})).toEqual([]);
  });

  it('reads one merchant from ASSIST_* variables, with a secret rotation', () => {
    const [m] = normalizeMerchants(
      merchantsFromEnv({
        ASSIST_MCH_NO: 'M1',
        ASSIST_APP_ID: 'A1',
        ASSIST_WX_APP_ID: 'wxenv',
        ASSIST_WX_APP_SECRET: WX_SECRET,
        ASSIST_SIGN_TYPE: 'MD5',
        ASSIST_SIGN_SECRET: `${SIGN_SECRET}, old-secret`,
        ASSIST_REQ_TIMEOUT: '120',
        ASSIST_SIGN_REQUIRED: 'false',
        ASSIST_REDIRECT_HOSTS: 'shop.example.com, *.example.org',
      }),
    );
    expect(m).toMatchObject({
      mchNo: 'M1',
      appId: 'A1',
      wechat: { appId: 'wxenv', appSecret: WX_SECRET },
      signType: 'MD5',
      signSecrets: [SIGN_SECRET, 'old-secret'],
      reqTimeout: 120,
      signRequired: false,
      redirectHosts: ['shop.example.com', '*.example.org'],
    });
  });

  it.each([
    ['no secret', { ASSIST_SIGN_SECRET: undefined }, 'signSecret'],
    ['only commas as secret', { ASSIST_SIGN_SECRET: ' , ' }, 'signSecret'],
    ['no WeChat secret', { ASSIST_WX_APP_SECRET: undefined }, 'wechat.appSecret'],
    ['no WeChat app id', { ASSIST_WX_APP_ID: undefined }, 'wechat.appId'],
    ['a word as reqTimeout', { ASSIST_REQ_TIMEOUT: 'five' }, 'reqTimeout'],
    ['a word as signRequired', { ASSIST_SIGN_REQUIRED: 'maybe' }, 'signRequired'],
    ['an unknown sign type', { ASSIST_SIGN_TYPE: 'RSA' }, 'signType'],
  ])('ASSIST_* with %s fails naming the field', (_label, change, field) => {
    const env: Record<string, string | undefined> = {
      ASSIST_MCH_NO: 'M1',
      ASSIST_WX_APP_ID: 'wxenv',
      ASSIST_WX_APP_SECRET: WX_SECRET,
      ASSIST_SIGN_SECRET: SIGN_SECRET,
      ...change,
    };
    const e = configError(() => normalizeMerchants(merchantsFromEnv(env)));
    expect(e.merchant).toBe('#1 (M1)');
    expect(e.field).toBe(field);
  });

  it('reads many merchants from a JSON file (a list or {merchants: [...]}), then the ASSIST_* one', () => {
    const list = [valid({ mchNo: 'J1' }), valid({ mchNo: 'J2', signType: 'MD5' })];
    for (const content of [list, { merchants: list }]) {
      const merchants = normalizeMerchants(
        merchantsFromEnv({
          ASSIST_MERCHANTS_FILE: file('m.json', JSON.stringify(content)),
          ASSIST_MCH_NO: 'E1',
          ASSIST_WX_APP_ID: 'wxenv',
          ASSIST_WX_APP_SECRET: WX_SECRET,
          ASSIST_SIGN_SECRET: SIGN_SECRET,
        }),
      );
      expect(merchants.map((m) => `${m.mchNo}:${m.signType}`)).toEqual(['J1:HMAC_SHA256', 'J2:MD5', 'E1:HMAC_SHA256']);
    }
  });

  it('reads a YAML file (.yaml and .yml)', () => {
    const yaml = [
      'merchants:',
      '  - mchNo: Y1',
      '    appId: YA1',
      '    wechat: { appId: wxyaml, appSecret: "' + WX_SECRET + '" }',
      '    signType: SM3',
      '    signSecrets: ["' + SIGN_SECRET + '", old]',
      '    reqTimeout: 60',
      '    default: true',
      '  - mchNo: Y2',
      '    wechat: { appId: wxyaml2, appSecret: s }',
      '    signSecret: s2',
      '',
    ].join('\n');
    for (const name of ['m.yaml', 'm.yml']) {
      const merchants = normalizeMerchants(merchantsFromEnv({ ASSIST_MERCHANTS_FILE: file(name, yaml) }));
      expect(merchants).toHaveLength(2);
      expect(merchants[0]).toMatchObject({
        mchNo: 'Y1',
        appId: 'YA1',
        signType: 'SM3',
        signSecrets: [SIGN_SECRET, 'old'],
        reqTimeout: 60,
        default: true,
      });
      expect(merchants[1]).toMatchObject({ mchNo: 'Y2', signSecrets: ['s2'] });
    }
  });

  it('a bad field in a file names merchant and field', () => {
    const path = file(
      'bad.json',
      JSON.stringify([valid({ mchNo: 'F1' }), valid({ mchNo: 'F2', wechat: { appId: 'wx2', appSecret: '' } })]),
    );
    const e = configError(() => normalizeMerchants(merchantsFromEnv({ ASSIST_MERCHANTS_FILE: path })));
    expect(e.message).toBe('unipay-assist merchant #2 (F2): wechat.appSecret is missing or empty');
  });

  it('a missing file names the variable and the path', () => {
    const e = configError(() => merchantsFromEnv({ ASSIST_MERCHANTS_FILE: join(dir, 'nope.json') }));
    expect(e.field).toBe('ASSIST_MERCHANTS_FILE');
    expect(e.message).toMatch(/cannot be read: ENOENT .*nope\.json$/);
  });

  it('broken JSON does not echo the file (which may hold a secret)', () => {
    const path = file('broken.json', `[{"mchNo":"B1","signSecret":"${SIGN_SECRET}",}]`);
    const e = configError(() => merchantsFromEnv({ ASSIST_MERCHANTS_FILE: path }));
    expect(e.message).toBe(`unipay-assist merchant (file): ASSIST_MERCHANTS_FILE is not valid JSON: ${path}`);
  });

  it('broken YAML gives the line, not the line text', () => {
    const path = file('broken.yaml', `merchants:\n  - mchNo: B1\n    signSecret: "${SIGN_SECRET}\n  bad: [\n`);
    const e = configError(() => merchantsFromEnv({ ASSIST_MERCHANTS_FILE: path }));
    expect(e.message).toMatch(
      /^unipay-assist merchant \(file\): ASSIST_MERCHANTS_FILE is not valid YAML \(line \d+\): /,
    );
  });

  it('a file that is not a list is refused', () => {
    const e = configError(() => merchantsFromEnv({ ASSIST_MERCHANTS_FILE: file('obj.json', '{"mchNo":"M1"}') }));
    expect(e.message).toMatch(/must hold a list of merchants/);
  });
});
