import { XMLParser } from 'fast-xml-parser';
import { isRecord } from '../kernel/is-record';

// Text only: WeChat's numbers (CreateTime) and ids stay strings, exactly as sent; no entity expansion beyond XML's own.
const parser = new XMLParser({ parseTagValue: false, parseAttributeValue: false, ignoreAttributes: true, processEntities: true, trimValues: true });

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

/** A flat WeChat XML message, each value in CDATA (the simulator's side). */
export function writeWechatXml(fields: Readonly<Record<string, string | number>>): string {
  const body = Object.entries(fields)
    .map(([name, value]) => (typeof value === 'number' ? `<${name}>${value}</${name}>` : `<${name}><![CDATA[${value.replace(/]]>/g, ']]]]><![CDATA[>')}]]></${name}>`))
    .join('');
  return `<xml>${body}</xml>`;
}
