import { decrypt, getSignature } from '@wecom/crypto';
import { timingSafeEqual } from 'node:crypto';

/**
 * WeChat's message encryption for pushes (the "安全模式" of the official
 * account and third-party platform; WeCom uses the same scheme): the
 * signature is SHA-1 over the sorted Token, timestamp, nonce and ciphertext;
 * the ciphertext is AES-256-CBC with the EncodingAESKey (IV its first 16
 * bytes), holding 16 random bytes, the message length, the message and the
 * receiving appid. The crypto itself is @wecom/crypto's; this file keeps
 * the checks around it. Pure.
 */
export interface PushSecrets {
  token: string;
  encodingAesKey: string;
  /** The appid the push must be addressed to (the platform's component_appid). */
  appId: string;
}

export type OpenedPush = { ok: true; xml: string } | { ok: false; reason: string };

/** True when `signature` is the push's msg_signature (constant-time compare). */
export function pushSignatureMatches(
  secrets: PushSecrets,
  timestamp: string,
  nonce: string,
  ciphertext: string,
  signature: string,
): boolean {
  const expected = Buffer.from(getSignature(secrets.token, timestamp, nonce, ciphertext), 'utf8');
  const given = Buffer.from(signature.toLowerCase(), 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The decrypted XML when the ciphertext opens and names our appid; a reason otherwise (never the plaintext). */
export function openPush(secrets: PushSecrets, ciphertext: string): OpenedPush {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(ciphertext) || ciphertext.length % 4 !== 0)
    return { ok: false, reason: 'Encrypt is not base64' };
  let opened: { message: string; id: string };
  try {
    opened = decrypt(secrets.encodingAesKey, ciphertext);
  } catch {
    return { ok: false, reason: 'Encrypt does not decrypt with the EncodingAESKey' };
  }
  if (opened.id !== secrets.appId) return { ok: false, reason: 'the push is addressed to another appid' };
  return { ok: true, xml: opened.message };
}
