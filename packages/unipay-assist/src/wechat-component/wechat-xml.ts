import { XMLParser } from 'fast-xml-parser';
import { isRecord } from '@unipay-assist/wire';

// Text only: WeChat's numbers (CreateTime) and ids stay strings, exactly as sent; no entity expansion beyond XML's own.
const parser = new XMLParser({
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: true,
  processEntities: true,
  trimValues: true,
});

/**
 * The fields of a flat WeChat XML message (`<xml><Name>value</Name>…</xml>`,
 * CDATA or plain text) as strings; nested or repeated elements are left
 * out, since no field the relay reads has them. Undefined for anything that
 * is not such a document.
 */
export function readWechatXml(text: string): Record<string, string> | undefined {
  let parsed: unknown;
  try {
    parsed = parser.parse(text, true);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || !isRecord(parsed.xml)) return undefined;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed.xml)) {
    if (typeof value === 'string') out[name] = value;
    else if (typeof value === 'number') out[name] = String(value);
  }
  return out;
}
