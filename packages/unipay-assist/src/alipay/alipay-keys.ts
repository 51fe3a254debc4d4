import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';

export type AlipayKeyField = 'appPrivateKey' | 'alipayPublicKey';

/** Both keys as PEM the SDK takes: the private key as PKCS#8, Alipay's public key as SPKI. */
export interface AlipayKeyPem {
  appPrivateKeyPem: string;
  alipayPublicKeyPem: string;
}

export type AlipayKeyCheck = ({ ok: true } & AlipayKeyPem) | { ok: false; field: AlipayKeyField; reason: string };

/** RSA2 is SHA256withRSA; Alipay issues and accepts 2048-bit keys for it. */
const MIN_MODULUS_BITS = 2048;

/**
 * Checks an Alipay app's key material as merchants paste it: PEM, or the
 * bare base64 that Alipay's key tool and open platform show (PKCS#1 or
 * PKCS#8 for the private key, SPKI or PKCS#1 for the public key). The reason
 * names the field, never its value, so it can be logged and shown at start.
 */
export function checkAlipayKeys(input: { appPrivateKey?: string; alipayPublicKey?: string }): AlipayKeyCheck {
  const priv = readPrivateKey(input.appPrivateKey);
  if (typeof priv === 'string') return { ok: false, field: 'appPrivateKey', reason: `appPrivateKey ${priv}` };
  const pub = readPublicKey(input.alipayPublicKey);
  if (typeof pub === 'string') return { ok: false, field: 'alipayPublicKey', reason: `alipayPublicKey ${pub}` };
  const ownPublic = createPublicKey(priv).export({ type: 'spki', format: 'der' });
  if (ownPublic.equals(pub.export({ type: 'spki', format: 'der' }))) {
    // The most common mistake in Alipay's own issue trackers: the app's public key pasted where Alipay's belongs.
    return {
      ok: false,
      field: 'alipayPublicKey',
      reason:
        "alipayPublicKey is the app's own public key: it must be Alipay's public key, shown on the app's page once the app key is uploaded",
    };
  }
  return {
    ok: true,
    appPrivateKeyPem: priv.export({ type: 'pkcs8', format: 'pem' }).toString(),
    alipayPublicKeyPem: pub.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** The parsed key, or what is wrong with it (a phrase to follow the field name). */
function readPrivateKey(value: string | undefined): KeyObject | string {
  const text = (value ?? '').trim();
  if (!text) return 'is missing';
  let key: KeyObject | undefined;
  if (text.includes('-----BEGIN')) {
    if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(text)) {
      return 'must be an RSA private key (PEM "PRIVATE KEY" or "RSA PRIVATE KEY", or bare base64)';
    }
    key = attempt(() => createPrivateKey({ key: text, format: 'pem' }));
    if (!key) return 'is PEM that does not parse as a private key';
  } else {
    const der = bareBase64(text);
    if (!der) return 'is neither PEM nor base64';
    key =
      attempt(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })) ??
      attempt(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs1' }));
    if (!key) return 'is base64 that is not a PKCS#8 or PKCS#1 private key';
  }
  return checkRsa(key);
}

function readPublicKey(value: string | undefined): KeyObject | string {
  const text = (value ?? '').trim();
  if (!text) return 'is missing';
  let key: KeyObject | undefined;
  if (text.includes('-----BEGIN')) {
    // createPublicKey would happily derive a public key from a private one, or read a certificate.
    if (/PRIVATE KEY-----/.test(text)) return "holds a private key: it must be Alipay's public key";
    if (/CERTIFICATE-----/.test(text))
      return "is a certificate: certificate mode is not supported, give Alipay's public key";
    key = attempt(() => createPublicKey({ key: text, format: 'pem' }));
    if (!key) return 'is PEM that does not parse as a public key';
  } else {
    const der = bareBase64(text);
    if (!der) return 'is neither PEM nor base64';
    // Checked first: createPublicKey derives a public key from private DER as well.
    const isPrivate =
      attempt(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })) ??
      attempt(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs1' }));
    if (isPrivate) return "holds a private key: it must be Alipay's public key";
    key =
      attempt(() => createPublicKey({ key: der, format: 'der', type: 'spki' })) ??
      attempt(() => createPublicKey({ key: der, format: 'der', type: 'pkcs1' }));
    if (!key) return 'is base64 that is not an SPKI or PKCS#1 public key';
  }
  return checkRsa(key);
}

function checkRsa(key: KeyObject): KeyObject | string {
  if (key.asymmetricKeyType !== 'rsa') return `must be an RSA key (got ${key.asymmetricKeyType ?? 'another type'})`;
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_MODULUS_BITS) return `must be at least ${MIN_MODULUS_BITS} bits for RSA2 (got ${bits})`;
  return key;
}

/** Base64 as pasted (line breaks and spaces allowed), or undefined when it is not base64. */
function bareBase64(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}

function attempt<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
