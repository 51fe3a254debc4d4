import {
  CHINA_TIME_ZONE,
  DEFAULT_DIALECT,
  DIALECT_NAMES,
  DialectName,
  isRecord,
  isTimeZone,
  OPEN_DIALECT,
  parseSignType,
  SIGN_TYPES,
} from '@unipay-assist/wire';
import {
  Merchant,
  MerchantInput,
  MerchantSignType,
  MerchantWechat,
  REPLAY_MODES,
  ReplayMode,
  SnapshotUserPolicy,
} from './merchant';
import { normalizeOpenPublicKeys } from './merchant-open-keys';
import { MerchantConfigError } from './merchant-config.error';
import { normalizeMerchantChannels } from './merchant-channels';
import { parseRedirectHostPattern } from './redirect-hosts';

const DEFAULT_REQ_TIMEOUT_SECONDS = 300;
const MAX_FIELD = 32;

/**
 * Validates one configured merchant. Messages name the merchant (by mchNo, or
 * its position) and the field, and never echo a secret.
 */
export function normalizeMerchant(raw: unknown, position: number): Merchant {
  const where = `#${position + 1}`;
  if (!isRecord(raw)) throw new MerchantConfigError(where, '(entry)', 'must be an object');
  const mchNo = raw.mchNo;
  if (typeof mchNo !== 'string' || mchNo.trim() === '' || mchNo.length > MAX_FIELD) {
    throw new MerchantConfigError(where, 'mchNo', `must be a non-empty string of at most ${MAX_FIELD}`);
  }
  const name = `${where} (${mchNo})`;
  const fail = (field: string, reason: string): never => {
    throw new MerchantConfigError(name, field, reason);
  };

  const appId = raw.appId;
  if (appId !== undefined && (typeof appId !== 'string' || appId === '' || appId.length > MAX_FIELD)) {
    fail('appId', `must be a non-empty string of at most ${MAX_FIELD} when given`);
  }

  const wechat = normalizeWechat(raw.wechat, fail);
  // Alipay keys are parsed here, at start: a wrong key fails naming the merchant and field.
  const channels = normalizeMerchantChannels(raw, fail);

  // The dialect first: it decides how the merchant signs (a secret, or DaxPay Open's key pair).
  const { dialect, dialects } = normalizeDialects(raw, fail);
  const open = dialect === OPEN_DIALECT;

  let signType: MerchantSignType | undefined;
  let secrets: unknown[] = [];
  let signPublicKeys: ReturnType<typeof normalizeOpenPublicKeys> | undefined;
  if (open) {
    const signTypeRaw = raw.signType ?? 'RSA';
    if (typeof signTypeRaw !== 'string' || signTypeRaw.trim().toUpperCase() !== 'RSA')
      fail('signType', 'must be RSA for a daxpay-open merchant (SHA256withRSA)');
    signType = 'RSA';
    if (raw.signSecret !== undefined || raw.signSecrets !== undefined) {
      fail(
        'signSecret',
        'is not used by a daxpay-open merchant (it signs with its RSA key pair): remove it and give signPublicKey',
      );
    }
    signPublicKeys = normalizeOpenPublicKeys(raw, fail);
  } else {
    const signTypeRaw = raw.signType ?? 'HMAC_SHA256';
    signType = typeof signTypeRaw === 'string' ? parseSignType(signTypeRaw) : undefined;
    if (typeof signTypeRaw === 'string' && signTypeRaw.trim().toUpperCase() === 'RSA')
      fail('signType', "RSA is DaxPay Open's: set dialect: daxpay-open");
    if (!signType) fail('signType', `must be one of ${SIGN_TYPES.join(', ')}`);
    if (raw.signPublicKey !== undefined || raw.signPublicKeyFile !== undefined)
      fail('signPublicKey', 'is only for a daxpay-open merchant');

    const secretsRaw = raw.signSecrets ?? raw.signSecret;
    secrets = Array.isArray(secretsRaw) ? secretsRaw : secretsRaw === undefined ? [] : [secretsRaw];
    if (secrets.length === 0) fail('signSecret', 'is missing');
    secrets.forEach((s, i) => {
      if (typeof s !== 'string' || s === '') fail(`signSecret[${i}]`, 'must be a non-empty string');
    });
  }

  const reqTimeout = raw.reqTimeout ?? DEFAULT_REQ_TIMEOUT_SECONDS;
  if (typeof reqTimeout !== 'number' || !Number.isInteger(reqTimeout) || reqTimeout < 1 || reqTimeout > 86_400) {
    fail('reqTimeout', 'must be an integer number of seconds between 1 and 86400');
  }

  const signRequired = raw.signRequired ?? true;
  if (typeof signRequired !== 'boolean') fail('signRequired', 'must be true or false');

  const redirectHosts = raw.redirectHosts;
  if (
    redirectHosts !== undefined &&
    (!Array.isArray(redirectHosts) || redirectHosts.some((h) => typeof h !== 'string' || h.trim() === ''))
  ) {
    fail('redirectHosts', 'must be a list of host patterns');
  }
  const badHost = (redirectHosts as string[] | undefined)?.find((h) => !parseRedirectHostPattern(h));
  if (badHost !== undefined) {
    fail('redirectHosts', `"${badHost}" is not a host pattern (host, *.suffix, optional :port or :*)`);
  }

  const isDefault = raw.default ?? false;
  if (typeof isDefault !== 'boolean') fail('default', 'must be true or false');

  const reqTimeZone = raw.reqTimeZone ?? CHINA_TIME_ZONE;
  if (!isTimeZone(reqTimeZone)) fail('reqTimeZone', 'must be an IANA time zone name, e.g. Asia/Shanghai or UTC');

  const replay = raw.replay ?? 'answer';
  if (typeof replay !== 'string' || !(REPLAY_MODES as readonly string[]).includes(replay)) {
    fail('replay', `must be one of ${REPLAY_MODES.join(', ')}`);
  }

  const snapshotUsers = raw.snapshotUsers;
  if (snapshotUsers !== undefined && snapshotUsers !== 'refuse' && snapshotUsers !== 'flag') {
    fail('snapshotUsers', 'must be refuse or flag');
  }

  const wechatProfile = raw.wechatProfile;
  if (wechatProfile !== undefined && typeof wechatProfile !== 'boolean') fail('wechatProfile', 'must be true or false');

  return Object.freeze({
    mchNo,
    appId: appId as string | undefined,
    wechat,
    ...channels,
    signType: signType!,
    signSecrets: Object.freeze([...(secrets as string[])]),
    ...(signPublicKeys && { signPublicKeys: Object.freeze(signPublicKeys) }),
    reqTimeout: reqTimeout as number,
    signRequired: signRequired as boolean,
    redirectHosts: redirectHosts
      ? Object.freeze((redirectHosts as string[]).map((h) => h.trim().toLowerCase()))
      : undefined,
    default: isDefault as boolean,
    replay: replay as ReplayMode,
    dialect,
    ...(dialects && { dialects: Object.freeze(dialects) }),
    reqTimeZone: reqTimeZone as string,
    ...(snapshotUsers !== undefined && { snapshotUsers: snapshotUsers as SnapshotUserPolicy }),
    ...(wechatProfile === true && { wechatProfile: true }),
  });
}

function isDialectName(value: unknown): value is DialectName {
  return typeof value === 'string' && (DIALECT_NAMES as readonly string[]).includes(value);
}

/**
 * `dialect`, and the pinned list when the merchant is pinned (`dialects`, or
 * `strictDialect: true` for `dialect` alone), `dialect` first in it.
 */
function normalizeDialects(
  raw: Record<string, unknown>,
  fail: (field: string, reason: string) => never,
): { dialect: DialectName; dialects?: DialectName[] } {
  const oneOf = `must be one of ${DIALECT_NAMES.join(', ')}`;
  if (raw.dialect !== undefined && !isDialectName(raw.dialect)) fail('dialect', oneOf);
  const strict = raw.strictDialect ?? false;
  if (typeof strict !== 'boolean') fail('strictDialect', 'must be true or false');
  if (raw.dialects === undefined) {
    const dialect = raw.dialect ?? DEFAULT_DIALECT;
    return strict ? { dialect, dialects: [dialect] } : { dialect };
  }
  if (!Array.isArray(raw.dialects) || raw.dialects.length === 0)
    fail('dialects', `must be a non-empty list of generations (${DIALECT_NAMES.join(', ')})`);
  const list = raw.dialects as unknown[];
  list.forEach((d, i) => {
    if (!isDialectName(d)) fail(`dialects[${i}]`, oneOf);
    // DaxPay Open has routes and keys of its own: it is configured with `dialect` alone, never detected.
    if (d === OPEN_DIALECT) fail(`dialects[${i}]`, 'cannot be daxpay-open (set dialect: daxpay-open alone)');
  });
  const pinned = [...new Set(list as DialectName[])];
  const dialect = raw.dialect ?? pinned[0];
  if (!pinned.includes(dialect)) fail('dialect', `is ${dialect}, which is not in dialects (${pinned.join(', ')})`);
  return { dialect, dialects: [dialect, ...pinned.filter((d) => d !== dialect)] };
}

/**
 * `wechat`: the merchant's own app (appId + appSecret), the gateway's
 * service-provider app (`serviceProvider: true`, nothing else), or its own
 * app through the gateway's third-party platform (appId + `viaComponent:
 * true`, and no AppSecret: the platform never holds one).
 */
function normalizeWechat(value: unknown, fail: (field: string, reason: string) => never): MerchantWechat {
  if (!isRecord(value))
    fail(
      'wechat',
      'must be an object: { appId, appSecret }, { serviceProvider: true } or { appId, viaComponent: true }',
    );
  const wx = value;
  if (wx.serviceProvider !== undefined && wx.serviceProvider !== true && wx.serviceProvider !== false)
    fail('wechat.serviceProvider', 'must be true or false');
  if (wx.viaComponent !== undefined && wx.viaComponent !== true && wx.viaComponent !== false)
    fail('wechat.viaComponent', 'must be true or false');
  if (wx.serviceProvider === true) {
    if (wx.viaComponent === true) fail('wechat', 'serviceProvider and viaComponent exclude each other: pick one');
    if (wx.appId !== undefined || wx.appSecret !== undefined) {
      fail('wechat', "serviceProvider: true uses the gateway's service-provider app: give no appId or appSecret");
    }
    return Object.freeze({ serviceProvider: true as const });
  }
  if (typeof wx.appId !== 'string' || !WECHAT_APP_ID.test(wx.appId)) {
    fail('wechat.appId', 'must be a WeChat app id (letters, digits, _ or -)');
  }
  if (wx.viaComponent === true) {
    if (wx.appSecret !== undefined)
      fail(
        'wechat.appSecret',
        'must not be set with viaComponent: true (the third-party platform exchanges codes without it)',
      );
    return Object.freeze({ appId: wx.appId, viaComponent: true as const });
  }
  if (typeof wx.appSecret !== 'string' || wx.appSecret.trim() === '') {
    fail('wechat.appSecret', 'is missing or empty');
  }
  return Object.freeze({ appId: wx.appId, appSecret: wx.appSecret });
}

const WECHAT_APP_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Validates a whole list: at least one merchant, unique (mchNo, appId), at most one default. */
export function normalizeMerchants(raw: readonly unknown[] | undefined): Merchant[] {
  if (!raw || raw.length === 0) {
    throw new MerchantConfigError('(none)', 'merchants', 'no merchant configured');
  }
  const merchants = raw.map((m, i) => normalizeMerchant(m, i));
  const seen = new Set<string>();
  merchants.forEach((m, i) => {
    const key = `${m.mchNo}\u0000${m.appId ?? ''}`;
    if (seen.has(key)) {
      throw new MerchantConfigError(`#${i + 1} (${m.mchNo})`, 'mchNo/appId', 'duplicates an earlier merchant');
    }
    seen.add(key);
  });
  if (merchants.filter((m) => m.default).length > 1) {
    throw new MerchantConfigError('(list)', 'default', 'is set on more than one merchant');
  }
  return merchants;
}

// Re-exported so the type is reachable next to the function that produces it.
export type { MerchantInput };
