import { Merchant } from '../merchants/merchant';
import { parseRedirectHostPattern } from '../merchants/redirect-hosts';
import { CHINA_TIME_ZONE } from '@unipay-assist/wire';
import { DoctorRow } from './doctor-report';

/** Shorter than this, a sign secret is guessable offline from one signed request (DaxPay's demo uses 6 digits). */
const MIN_SECRET_LENGTH = 16;

/** Two-label public suffixes a `*.` pattern must not stop at (a wildcard over them admits anyone's site). */
const PUBLIC_SUFFIXES: ReadonlySet<string> = new Set([
  'com.cn',
  'net.cn',
  'org.cn',
  'gov.cn',
  'edu.cn',
  'com.hk',
  'com.tw',
  'co.uk',
  'co.jp',
  'com.au',
]);

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/** The merchant's name in the table: mchNo, with appId when it has one. */
export function merchantLabel(m: { mchNo: string; appId?: string }): string {
  return m.appId ? `${m.mchNo}/${m.appId}` : m.mchNo;
}

/** Sign secrets: how many, and whether each is long enough. Never their values. */
export function checkSecrets(m: Merchant): DoctorRow {
  const short = m.signSecrets.map((s, i) => [i, s.length] as const).filter(([, n]) => n < MIN_SECRET_LENGTH);
  const count = `${m.signSecrets.length} secret${m.signSecrets.length > 1 ? 's' : ''} (${m.signType})`;
  if (short.length === 0) return { merchant: merchantLabel(m), check: 'sign secret', status: 'ok', detail: count };
  const which = short.map(([i, n]) => `#${i + 1} has ${n} characters`).join(', ');
  return {
    merchant: merchantLabel(m),
    check: 'sign secret',
    status: 'warn',
    detail: `${count}: ${which}; use at least ${MIN_SECRET_LENGTH} random characters outside a try-out`,
  };
}

/** Which generations the merchant answers, and the zone of its datetime reqTime. */
export function checkDialects(m: Merchant): DoctorRow {
  const zone = m.reqTimeZone ?? CHINA_TIME_ZONE;
  const detail = m.dialects
    ? `pinned to ${m.dialects.join(', ')}; reqTime zone ${zone}`
    : `detected from the wire; ${m.dialect} where it cannot tell; reqTime zone ${zone}`;
  return { merchant: merchantLabel(m), check: 'dialect', status: 'ok', detail };
}

/** The redirect allow-list: present, not wider than one owner's domains. */
export function checkRedirectHosts(m: Merchant): DoctorRow {
  const row = (status: DoctorRow['status'], detail: string): DoctorRow => ({
    merchant: merchantLabel(m),
    check: 'redirect hosts',
    status,
    detail,
  });
  const hosts = m.redirectHosts ?? [];
  if (hosts.length === 0) return row('warn', 'none: getWxAuthUrl and getAlipayAuthUrl refuse every redirect URL');
  const problems: string[] = [];
  const loopback: string[] = [];
  for (const h of hosts) {
    const p = parseRedirectHostPattern(h);
    if (!p) {
      problems.push(`"${h}" is not a host pattern`);
      continue;
    }
    if (p.wildcard && (!p.host.includes('.') || PUBLIC_SUFFIXES.has(p.host)))
      problems.push(`"${h}" covers a whole public suffix`);
    if (!p.wildcard && /^\d+\.\d+\.\d+\.\d+$/.test(p.host) && !LOOPBACK.test(p.host))
      problems.push(`"${h}" is a bare IP address`);
    if (LOOPBACK.test(p.host)) loopback.push(h);
  }
  if (problems.length > 0) return row('fail', problems.join('; '));
  if (loopback.length > 0)
    return row(
      'warn',
      `${hosts.length} pattern(s); loopback ${loopback.join(', ')}: fine for a try-out, not in production`,
    );
  return row('ok', `${hosts.length} pattern(s): ${hosts.join(', ')}`);
}

/** The Alipay keys as configured: parsed at load (RSA ≥ 2048, Alipay's public key not the app's own). */
export function checkAlipayKeyPair(m: Merchant): DoctorRow | undefined {
  if (!m.alipay) return undefined;
  return {
    merchant: merchantLabel(m),
    check: 'alipay keys',
    status: 'ok',
    detail: `app ${m.alipay.appId}: the app private key parses, alipayPublicKey parses and is not the app's own public key`,
  };
}
