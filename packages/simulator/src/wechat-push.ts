import { encrypt, getSignature } from '@wecom/crypto';

/** The secrets WeChat encrypts a platform push with, and the appid it is addressed to. */
export interface PushSecrets {
  token: string;
  encodingAesKey: string;
  appId: string;
}

/**
 * WeChat's side of a push in safe mode: the XML encrypted (AES-256-CBC with
 * the EncodingAESKey, through @wecom/crypto: WeCom and the official
 * account/platform share the scheme) for `appId`, and its msg_signature.
 */
export function sealPush(
  secrets: PushSecrets,
  xml: string,
  timestamp: string,
  nonce: string,
): { ciphertext: string; signature: string } {
  const ciphertext = encrypt(secrets.encodingAesKey, xml, secrets.appId);
  return { ciphertext, signature: getSignature(secrets.token, timestamp, nonce, ciphertext) };
}

/** A flat WeChat XML message, each text value in CDATA (`]]>` split across two sections), numbers plain. */
export function writeWechatXml(fields: Readonly<Record<string, string | number>>): string {
  const body = Object.entries(fields)
    .map(([name, value]) =>
      typeof value === 'number'
        ? `<${name}>${value}</${name}>`
        : `<${name}><![CDATA[${value.replace(/]]>/g, ']]]]><![CDATA[>')}]]></${name}>`,
    )
    .join('');
  return `<xml>${body}</xml>`;
}
