import { createHash, createHmac } from 'node:crypto';

/**
 * DaxPay 3.0's PaySignUtil written again from the facts in docs/wire.md, for
 * tests only and importing nothing from src/: a second implementation that
 * must agree with the relay's, so a shared mistake cannot pass unseen. Beans
 * are rendered in the Java declaration order written here, not in the order
 * the relay sent, so a misordered `data` fails.
 */
type SignType = 'MD5' | 'HMAC_SHA256' | 'SM3';

const BEAN_ORDER: Record<string, readonly string[]> = {
  AuthUrlResult: ['authUrl', 'queryCode'],
  AuthResult: ['openId', 'userId', 'accessToken', 'status'],
};

// hutool's JSONUtil quoting: \ " and the short escapes; control characters,
// U+0080–U+009F and U+2000–U+20FF as \uXXXX (hex case is irrelevant once upper-cased).
function quote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\b') out += '\\b';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || (c >= 0x80 && c < 0xa0) || (c >= 0x2000 && c < 0x2100))
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function beanJson(bean: Record<string, unknown>, order: readonly string[]): string {
  const parts = order.filter((k) => typeof bean[k] === 'string').map((k) => `${quote(k)}:${quote(bean[k] as string)}`);
  return `{${parts.join(',')}}`;
}

function digest(text: string, signType: SignType, secret: string): string {
  if (signType === 'HMAC_SHA256') return createHmac('sha256', secret).update(text, 'utf8').digest('hex');
  return createHash(signType === 'MD5' ? 'md5' : 'sm3')
    .update(text, 'utf8')
    .digest('hex');
}

/** The upper-cased string PaySignUtil hashes, over flat string/number fields (sign left out). */
function signString(fields: Record<string, string | number>, secret: string): string {
  const names = Object.keys(fields).filter((k) => k.toLowerCase() !== 'sign');
  names.sort();
  const link = names
    .map((k) => `${k}=${String(fields[k])}`)
    .join('&')
    .replace(/[\\"]/g, '');
  return `${link}&key=${secret}`.toUpperCase();
}

export const daxpay3Reference = {
  /** A request body's sign: every present, non-null field but sign. */
  signRequest(fields: Record<string, unknown>, signType: SignType, secret: string): string {
    const flat: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(fields)) if (typeof v === 'string' || typeof v === 'number') flat[k] = v;
    return digest(signString(flat, secret), signType, secret);
  },

  /** Whether a DaxResult's sign is what a 3.0 client reading `data` into `dataClass` computes. */
  verifyAnswer(answer: Record<string, unknown>, dataClass: string | null, signType: SignType, secret: string): boolean {
    const flat: Record<string, string | number> = {};
    for (const k of ['code', 'msg', 'resTime', 'traceId']) {
      const v = answer[k];
      if (typeof v === 'string' || typeof v === 'number') flat[k] = v;
    }
    if (answer.data !== undefined && answer.data !== null) {
      if (!dataClass) return false;
      flat.data = beanJson(answer.data as Record<string, unknown>, BEAN_ORDER[dataClass]);
    }
    return typeof answer.sign === 'string' && answer.sign === digest(signString(flat, secret), signType, secret);
  },
};
