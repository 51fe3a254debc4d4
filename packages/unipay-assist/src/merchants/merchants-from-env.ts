import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { MerchantInput } from './merchant';
import { MerchantConfigError } from './merchant-config.error';

export type EnvRecord = Readonly<Record<string, string | undefined>>;

/**
 * Merchants named by environment variables: a JSON or YAML file of many
 * (ASSIST_MERCHANTS_FILE) and/or one merchant from ASSIST_* variables.
 * Returns raw inputs; normalizeMerchants validates them.
 */
export function merchantsFromEnv(env: EnvRecord): unknown[] {
  const merchants: unknown[] = [];
  const file = env.ASSIST_MERCHANTS_FILE;
  if (file) merchants.push(...readMerchantsFile(file));
  if (env.ASSIST_MCH_NO) merchants.push(merchantFromVariables(env));
  return merchants;
}

export function readMerchantsFile(path: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new MerchantConfigError(
      '(file)',
      'ASSIST_MERCHANTS_FILE',
      `cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'} ${path}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = /\.ya?ml$/i.test(extname(path)) ? loadYaml(text) : JSON.parse(text);
  } catch (err) {
    // Parser messages quote the offending line, which may hold a secret: keep only the position.
    const mark = (err as { mark?: { line: number } }).mark;
    throw new MerchantConfigError(
      '(file)',
      'ASSIST_MERCHANTS_FILE',
      `is not valid ${mark ? `YAML (line ${mark.line + 1})` : 'JSON'}: ${path}`,
    );
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { merchants?: unknown })?.merchants;
  if (!Array.isArray(list)) {
    throw new MerchantConfigError(
      '(file)',
      'ASSIST_MERCHANTS_FILE',
      'must hold a list of merchants or {merchants: [...]}',
    );
  }
  return list;
}

function merchantFromVariables(env: EnvRecord): MerchantInput {
  const secrets = env.ASSIST_SIGN_SECRET?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    mchNo: env.ASSIST_MCH_NO!,
    appId: env.ASSIST_APP_ID || undefined,
    wechat: wechatFromVariables(env),
    signType: env.ASSIST_SIGN_TYPE || undefined,
    signSecrets: secrets,
    reqTimeout: env.ASSIST_REQ_TIMEOUT === undefined ? undefined : toNumber(env.ASSIST_REQ_TIMEOUT),
    signRequired: env.ASSIST_SIGN_REQUIRED === undefined ? undefined : toBoolean(env.ASSIST_SIGN_REQUIRED),
    redirectHosts: env.ASSIST_REDIRECT_HOSTS?.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    // A DaxPay Open merchant: ASSIST_DIALECT=daxpay-open and its public key file(s), comma-separated for a rotation.
    dialect: env.ASSIST_DIALECT || undefined,
    signPublicKeyFile: env.ASSIST_SIGN_PUBLIC_KEY_FILE?.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    ...channelsFromVariables(env),
  } as MerchantInput;
}

/**
 * ASSIST_WX_SERVICE_PROVIDER=true: the gateway's service-provider app;
 * ASSIST_WX_VIA_COMPONENT=true: ASSIST_WX_APP_ID through the gateway's
 * third-party platform; otherwise ASSIST_WX_APP_ID and ASSIST_WX_APP_SECRET.
 * Contradictions pass through for normalizeMerchant to name.
 */
function wechatFromVariables(env: EnvRecord): unknown {
  const sp = env.ASSIST_WX_SERVICE_PROVIDER === undefined ? undefined : toBoolean(env.ASSIST_WX_SERVICE_PROVIDER);
  const component = env.ASSIST_WX_VIA_COMPONENT === undefined ? undefined : toBoolean(env.ASSIST_WX_VIA_COMPONENT);
  if (sp === true)
    return {
      serviceProvider: true,
      ...(component === true && { viaComponent: true }),
      appId: env.ASSIST_WX_APP_ID || undefined,
      appSecret: env.ASSIST_WX_APP_SECRET || undefined,
    };
  if (component === true)
    return { appId: env.ASSIST_WX_APP_ID ?? '', viaComponent: true, appSecret: env.ASSIST_WX_APP_SECRET || undefined };
  return {
    appId: env.ASSIST_WX_APP_ID ?? '',
    appSecret: env.ASSIST_WX_APP_SECRET ?? '',
    ...(sp !== undefined && sp !== false && { serviceProvider: sp }),
    ...(component !== undefined && component !== false && { viaComponent: component }),
  };
}

/**
 * The merchant's Alipay app and mini program. Alipay keys come from files
 * only here (a PEM in one environment variable is unwieldy, and shows up in
 * `ps e` and crash dumps); any ASSIST_ALIPAY_* set turns the Alipay app on,
 * so a missing one fails at start naming its field.
 */
function channelsFromVariables(env: EnvRecord): Pick<MerchantInput, 'alipay' | 'miniProgram' | 'douyin'> {
  const out: Pick<MerchantInput, 'alipay' | 'miniProgram' | 'douyin'> = {};
  if (env.ASSIST_DOUYIN_CLIENT_KEY || env.ASSIST_DOUYIN_CLIENT_SECRET) {
    out.douyin = { clientKey: env.ASSIST_DOUYIN_CLIENT_KEY ?? '', clientSecret: env.ASSIST_DOUYIN_CLIENT_SECRET ?? '' };
  }
  const alipayVars = [
    'ASSIST_ALIPAY_APP_ID',
    'ASSIST_ALIPAY_PRIVATE_KEY_FILE',
    'ASSIST_ALIPAY_PUBLIC_KEY_FILE',
    'ASSIST_ALIPAY_SCOPE',
  ];
  if (alipayVars.some((name) => env[name])) {
    out.alipay = {
      appId: env.ASSIST_ALIPAY_APP_ID ?? '',
      appPrivateKeyFile: env.ASSIST_ALIPAY_PRIVATE_KEY_FILE || undefined,
      alipayPublicKeyFile: env.ASSIST_ALIPAY_PUBLIC_KEY_FILE || undefined,
      scope: (env.ASSIST_ALIPAY_SCOPE || undefined) as NonNullable<MerchantInput['alipay']>['scope'],
    };
  }
  if (env.ASSIST_WX_MINI_APP_ID || env.ASSIST_WX_MINI_APP_SECRET) {
    out.miniProgram = { appId: env.ASSIST_WX_MINI_APP_ID ?? '', appSecret: env.ASSIST_WX_MINI_APP_SECRET ?? '' };
  }
  return out;
}

// Unparseable values pass through as strings so normalizeMerchant names the field.
function toNumber(value: string): number | string {
  return /^\d+$/.test(value.trim()) ? Number(value) : value;
}

function toBoolean(value: string): boolean | string {
  const v = value.trim().toLowerCase();
  return v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : value;
}
