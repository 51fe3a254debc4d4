import { createSign, createVerify, generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * DaxPay Open's sign, written here from docs/daxpay-open.md with node:crypto
 * alone, independent of the relay's signing code: what a DaxPay Open client
 * (or the platform's merchant side) computes. The tests sign requests and
 * verify answers with it.
 */
export const openReference = {
  signString(value: Record<string, unknown>): string {
    const out: string[][] = [];
    const walk = (path: string, v: unknown): void => {
      if (v === null || v === undefined) return;
      if (Array.isArray(v)) v.forEach((item, i) => walk(`${path}[${i}]`, item));
      else if (typeof v === 'object')
        for (const k of Object.keys(v)) walk(`${path}.${k}`, (v as Record<string, unknown>)[k]);
      else out.push([path, typeof v === 'string' ? v : JSON.stringify(v)]);
    };
    for (const k of Object.keys(value)) if (k.toLowerCase() !== 'sign') walk(k, value[k]);
    out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return out.map(([k, v]) => `${k}=${v}`).join('&');
  },
  sign(text: string, privateKeyPem: string): string {
    return createSign('RSA-SHA256').update(Buffer.from(text, 'utf8')).sign(privateKeyPem).toString('base64');
  },
  verify(text: string, sign: string, publicKeyPem: string): boolean {
    return createVerify('RSA-SHA256')
      .update(Buffer.from(text, 'utf8'))
      .verify(publicKeyPem, Buffer.from(sign, 'base64'));
  },
  /** How the SDKs verify an answer: over the sign string of the raw body text. */
  verifyRaw(raw: string, publicKeyPem: string): boolean {
    const parsed = JSON.parse(raw) as Record<string, unknown>;
    return (
      typeof parsed.sign === 'string' &&
      openReference.verify(openReference.signString(parsed), parsed.sign, publicKeyPem)
    );
  },
};

export interface OpenVectorKeys {
  privateKeyPem: string;
  publicKeyPem: string;
}

export interface OpenVector {
  name: string;
  kind: 'request' | 'answer' | 'return';
  signedWith: string;
  input?: Record<string, unknown>;
  raw?: string;
  signString: string;
  sign: string;
  tampered?: Record<string, unknown>;
  query?: string;
  returnUrl?: string;
}

export const openVectors = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'docs', 'vectors', 'daxpay-open-vectors.json'), 'utf8'),
) as {
  keys: Record<string, OpenVectorKeys>;
  vectors: OpenVector[];
};

export function openVector(name: string): OpenVector {
  const v = openVectors.vectors.find((x) => x.name === name);
  if (!v) throw new Error(`no vector ${name}`);
  return v;
}

/** `yyyy-MM-dd HH:mm:ss` Beijing time, from Date here (not the relay's formatter). */
export function beijingTime(epochSeconds = Math.floor(Date.now() / 1000)): string {
  return new Date((epochSeconds + 8 * 3600) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/** A fresh RSA pair (PEM) for a test merchant or platform. */
export function rsaPair(bits = 2048): OpenVectorKeys {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return {
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

/** A DaxPay Open client's request: common fields (fresh reqId, reqTime, nonceStr) + `fields`, signed with the merchant's private key. */
export function openBody(
  merchant: { mchNo: string; appId?: string },
  privateKeyPem: string,
  fields: Record<string, unknown> = {},
): Record<string, unknown> {
  const unsigned: Record<string, unknown> = {
    mchNo: merchant.mchNo,
    ...(merchant.appId !== undefined && { appId: merchant.appId }),
    reqId: `R-${randomBytes(6).toString('hex')}`,
    reqTime: beijingTime(),
    nonceStr: randomBytes(16).toString('hex'),
    ...fields,
  };
  return { ...unsigned, sign: openReference.sign(openReference.signString(unsigned), privateKeyPem) };
}
