import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';

/** RSA keys below this size are refused at start (NIST SP 800-57: 2048 bits through 2030; DaxPay Open issues 2048). */
export const OPEN_MIN_RSA_BITS = 2048;

/** Why a configured key cannot be used; the message never contains key material. */
export class OpenKeyError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'OpenKeyError';
  }
}

const PEM = /-----BEGIN ([A-Z0-9 ]+)-----/;
const BARE_BASE64 = /^[A-Za-z0-9+/=\s]+$/;

/**
 * A merchant's RSA public key as DaxPay Open registers it: an X.509
 * SubjectPublicKeyInfo PEM (`BEGIN PUBLIC KEY`), or the same DER as bare
 * base64. A private key here is a configuration mistake said as such (a
 * private key must never sit where public keys are shared); so is a key that
 * is not RSA or is under 2048 bits.
 */
export function parseOpenPublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed === '') throw new OpenKeyError('is empty');
  const label = PEM.exec(trimmed)?.[1];
  if (label !== undefined && label.includes('PRIVATE')) {
    throw new OpenKeyError(
      "is a private key: configure the merchant's public key (BEGIN PUBLIC KEY) here, and keep the private key with the merchant",
    );
  }
  let key: KeyObject;
  if (label !== undefined) {
    if (label !== 'PUBLIC KEY' && label !== 'RSA PUBLIC KEY')
      throw new OpenKeyError(`is a PEM "${label}", not a public key (BEGIN PUBLIC KEY)`);
    key = attempt(() => createPublicKey(trimmed), 'is not a readable PEM public key');
  } else {
    if (!BARE_BASE64.test(trimmed)) throw new OpenKeyError('is neither a PEM public key nor bare base64');
    const der = Buffer.from(trimmed.replace(/\s+/g, ''), 'base64');
    if (looksPrivate(der)) {
      throw new OpenKeyError(
        "is a private key (PKCS#8 in base64): configure the merchant's public key here, and keep the private key with the merchant",
      );
    }
    key = attempt(
      () => createPublicKey({ key: der, format: 'der', type: 'spki' }),
      'is not a base64 X.509 (SPKI) public key',
    );
  }
  return checkRsa(key);
}

/** The platform's RSA private key: PKCS#8 or PKCS#1 PEM, or PKCS#8 DER as bare base64; RSA of at least 2048 bits. */
export function parseOpenPrivateKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed === '') throw new OpenKeyError('is empty');
  const label = PEM.exec(trimmed)?.[1];
  let key: KeyObject;
  if (label !== undefined) {
    if (!label.includes('PRIVATE'))
      throw new OpenKeyError(`is a PEM "${label}", not a private key (BEGIN PRIVATE KEY)`);
    key = attempt(
      () => createPrivateKey(trimmed),
      'is not a readable PEM private key (an encrypted key is not supported)',
    );
  } else {
    if (!BARE_BASE64.test(trimmed)) throw new OpenKeyError('is neither a PEM private key nor bare base64');
    const der = Buffer.from(trimmed.replace(/\s+/g, ''), 'base64');
    key = attempt(
      () => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }),
      'is not a base64 PKCS#8 private key',
    );
  }
  return checkRsa(key);
}

/** The SPKI PEM of a key (public, or the public half of a private one): what a merchant is given. */
export function openPublicKeyPem(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ format: 'pem', type: 'spki' }).toString();
}

function checkRsa(key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== 'rsa')
    throw new OpenKeyError(
      `is a ${key.asymmetricKeyType ?? 'non-RSA'} key; DaxPay Open signs with RSA (SHA256withRSA)`,
    );
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < OPEN_MIN_RSA_BITS)
    throw new OpenKeyError(`is a ${bits}-bit RSA key; at least ${OPEN_MIN_RSA_BITS} bits are required`);
  return key;
}

/** A DER that parses as PKCS#8 is a private key, whatever else it might be taken for. */
function looksPrivate(der: Buffer): boolean {
  try {
    createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    return true;
  } catch {
    return false;
  }
}

function attempt(parse: () => KeyObject, reason: string): KeyObject {
  try {
    return parse();
  } catch {
    throw new OpenKeyError(reason);
  }
}
