import { readFileSync } from 'node:fs';
import { AlipayScope } from '../alipay/alipay-authorize-url';
import { checkAlipayKeys } from '../alipay/alipay-keys';
import { isRecord } from '@unipay-assist/wire';

/**
 * A merchant's Alipay app as configured. Each key is given inline (PEM or the
 * bare base64 Alipay's key tool shows) or as a file path (`…File`), never both.
 */
export interface AlipayAppInput {
  /** The Alipay open-platform app id (16 digits, `2021…`). */
  appId: string;
  appPrivateKey?: string;
  appPrivateKeyFile?: string;
  /** Alipay's public key for the app (not the app's own public key). */
  alipayPublicKey?: string;
  alipayPublicKeyFile?: string;
  /** Scope `getAlipayAuthUrl` asks for when the request names none. Default `auth_base`. */
  scope?: AlipayScope;
}

/** A validated Alipay app: keys checked at start and normalised to the PEM the SDK takes. */
export interface AlipayApp {
  readonly appId: string;
  /** PKCS#8 PEM. A secret: never logged, never returned. */
  readonly appPrivateKeyPem: string;
  /** SPKI PEM. */
  readonly alipayPublicKeyPem: string;
  readonly scope: AlipayScope;
}

/** A merchant's WeChat mini program (its own app id and secret, apart from the official account's). */
export interface MiniProgramAppInput {
  appId: string;
  appSecret: string;
}

export interface MiniProgramApp {
  readonly appId: string;
  readonly appSecret: string;
}

/** A merchant's Douyin open-platform app, for the hosted flows' `douyin` channel (H5 silent_auth). */
export interface DouyinAppInput {
  clientKey: string;
  clientSecret: string;
}

export interface DouyinApp {
  readonly clientKey: string;
  readonly clientSecret: string;
}

/** The optional channels beyond WeChat's official account, validated. */
export interface MerchantChannels {
  alipay?: AlipayApp;
  miniProgram?: MiniProgramApp;
  douyin?: DouyinApp;
}

/**
 * Validates `raw.alipay` and `raw.miniProgram` of one merchant entry. `fail`
 * throws the merchant's MerchantConfigError; every reason names the field
 * (`alipay.appPrivateKey`), never a key's or secret's value.
 */
export function normalizeMerchantChannels(
  raw: Record<string, unknown>,
  fail: (field: string, reason: string) => never,
): MerchantChannels {
  const channels: MerchantChannels = {};
  if (raw.alipay !== undefined) channels.alipay = normalizeAlipay(raw.alipay, fail);
  if (raw.miniProgram !== undefined) channels.miniProgram = normalizeMiniProgram(raw.miniProgram, fail);
  if (raw.douyin !== undefined) channels.douyin = normalizeDouyin(raw.douyin, fail);
  return channels;
}

function normalizeAlipay(value: unknown, fail: (field: string, reason: string) => never): AlipayApp {
  if (!isRecord(value)) fail('alipay', 'must be an object with appId, appPrivateKey(File) and alipayPublicKey(File)');
  const a = value;
  if (typeof a.appId !== 'string' || !/^\d{8,32}$/.test(a.appId))
    fail('alipay.appId', 'must be an Alipay app id (digits)');
  const scope = a.scope ?? 'auth_base';
  if (scope !== 'auth_base' && scope !== 'auth_user') fail('alipay.scope', 'must be auth_base or auth_user');
  const appPrivateKey = keyMaterial(a, 'appPrivateKey', fail);
  const alipayPublicKey = keyMaterial(a, 'alipayPublicKey', fail);
  const keys = checkAlipayKeys({ appPrivateKey, alipayPublicKey });
  // checkAlipayKeys' reason starts with the field's name and never quotes the key.
  if (!keys.ok) fail(`alipay.${keys.field}`, keys.reason.slice(keys.field.length + 1));
  return Object.freeze({
    appId: a.appId,
    appPrivateKeyPem: keys.appPrivateKeyPem,
    alipayPublicKeyPem: keys.alipayPublicKeyPem,
    scope: scope,
  });
}

/** The key given inline or read from `<field>File`; exactly one of the two. */
function keyMaterial(
  a: Record<string, unknown>,
  field: 'appPrivateKey' | 'alipayPublicKey',
  fail: (f: string, r: string) => never,
): string {
  const inline = a[field];
  const file = a[`${field}File`];
  if (inline !== undefined && file !== undefined)
    fail(`alipay.${field}`, `and alipay.${field}File are both set: give one`);
  if (file !== undefined) {
    if (typeof file !== 'string' || file.trim() === '') fail(`alipay.${field}File`, 'must be a file path');
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      // The path is configuration, not a secret; the content is never read into a message.
      return fail(`alipay.${field}File`, `cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'} ${file}`);
    }
  }
  if (typeof inline !== 'string' || inline.trim() === '')
    fail(`alipay.${field}`, `is missing (give alipay.${field} or alipay.${field}File)`);
  return inline;
}

function normalizeDouyin(value: unknown, fail: (field: string, reason: string) => never): DouyinApp {
  if (!isRecord(value)) fail('douyin', 'must be an object with clientKey and clientSecret');
  const d = value;
  if (typeof d.clientKey !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(d.clientKey))
    fail('douyin.clientKey', 'must be a Douyin client key (letters, digits, _ or -)');
  if (typeof d.clientSecret !== 'string' || d.clientSecret.trim() === '')
    fail('douyin.clientSecret', 'is missing or empty');
  return Object.freeze({ clientKey: d.clientKey, clientSecret: d.clientSecret });
}

function normalizeMiniProgram(value: unknown, fail: (field: string, reason: string) => never): MiniProgramApp {
  if (!isRecord(value)) fail('miniProgram', 'must be an object with appId and appSecret');
  const m = value;
  if (typeof m.appId !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(m.appId)) {
    fail('miniProgram.appId', 'must be a WeChat mini program app id (letters, digits, _ or -)');
  }
  if (typeof m.appSecret !== 'string' || m.appSecret.trim() === '')
    fail('miniProgram.appSecret', 'is missing or empty');
  return Object.freeze({ appId: m.appId, appSecret: m.appSecret });
}
