import { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { OpenKeyError, parseOpenPublicKey } from '@unipay-assist/wire';

/**
 * A DaxPay Open merchant's public keys (`signPublicKey` inline, one or a list
 * for a rotation, or `signPublicKeyFile`, one path or a list; never both),
 * parsed at start: a key that cannot verify fails naming the merchant and the
 * field, never echoing the key.
 */
export function normalizeOpenPublicKeys(
  raw: Record<string, unknown>,
  fail: (field: string, reason: string) => never,
): KeyObject[] {
  const inline = raw.signPublicKey;
  const file = raw.signPublicKeyFile;
  if (inline !== undefined && file !== undefined) fail('signPublicKey', 'and signPublicKeyFile are both set: give one');
  if (inline === undefined && file === undefined) {
    fail(
      'signPublicKey',
      'is missing: a daxpay-open merchant is verified with its RSA public key (signPublicKey or signPublicKeyFile)',
    );
  }
  const field = inline !== undefined ? 'signPublicKey' : 'signPublicKeyFile';
  const given = inline ?? file;
  const list = Array.isArray(given) ? given : [given];
  if (list.length === 0) fail(field, 'is an empty list');
  return list.map((item, i) => {
    const where = list.length > 1 || Array.isArray(given) ? `${field}[${i}]` : field;
    if (typeof item !== 'string' || item.trim() === '')
      return fail(where, field === 'signPublicKey' ? 'must be a PEM or base64 public key' : 'must be a file path');
    let text = item;
    if (field === 'signPublicKeyFile') {
      try {
        text = readFileSync(item, 'utf8');
      } catch (err) {
        return fail(where, `cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'} ${item}`);
      }
    }
    try {
      return parseOpenPublicKey(text);
    } catch (err) {
      if (err instanceof OpenKeyError) return fail(where, err.message);
      throw err;
    }
  });
}
