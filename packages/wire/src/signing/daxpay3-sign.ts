import { beanEntries, describe, hutoolJson, integerText } from './hutool-json';
import { caseInsensitiveEntries, compareCaseInsensitive } from './java-case-insensitive';
import { SignType } from './sign-type';
import { digestHex, matchSecret } from './signature';
import { UnsignableValueError } from './unsignable-value-error';

/**
 * DaxPay 3.0's sign (`PaySignUtil` in daxpay-open-core and its SDK copy, tag
 * 3.0.0), over a bean given as a JS object whose keys are the bean's fields:
 *
 * 1. every non-null field becomes a string (`daxpay3FieldValue`), collected in
 *    a case-insensitive TreeMap (names equal up to case collapse);
 * 2. `sign` is removed (any case: the map is case-insensitive);
 * 3. names sorted by UTF-16 code unit, `name=value` joined with `&`, then
 *    every `\` and `"` removed; no URL-encoding;
 * 4. `&key=<secret>` appended and the whole string upper-cased;
 * 5. MD5 / HMAC-SHA256 (keyed with the secret as configured) / SM3 over UTF-8,
 *    lower-case hex.
 *
 * Nested objects are JSON in their key order, which must be the Java bean's
 * declaration order (see daxpay3-result.ts for the answer beans). A request
 * is signed over the fields of its Java param bean, not over whatever keys
 * the body carries: pass only the declared fields.
 */

/** Name→string entries as `PaySignUtil.toMap` builds them (sign included), case-insensitively sorted. */
export function daxpay3FieldMap(fields: object): [string, string][] {
  return caseInsensitiveEntries(renderedFields(fields, '$'));
}

/** The link string of step 3, before the key is appended and before upper-casing. Holds field values: do not log it. */
export function daxpay3LinkString(fields: object): string {
  const entries = daxpay3FieldMap(fields).filter(([name]) => compareCaseInsensitive(name, 'sign') !== 0);
  // Java's Collections.sort on String: UTF-16 code unit order, case-sensitive,
  // which is also what Array.prototype.sort does with no comparator.
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries
    .map(([name, value]) => `${name}=${value}`)
    .join('&')
    .replace(/[\\"]/g, '');
}

/** The exact string that is hashed, secret included. Never log it. */
export function daxpay3SignString(fields: object, secret: string): string {
  // Java's String.toUpperCase() follows the JVM's default locale; DaxPay's
  // image runs with a neutral one, which is what JS's toUpperCase does.
  return `${daxpay3LinkString(fields)}&key=${secret}`.toUpperCase();
}

/** The 3.0 sign of `fields` (its own `sign`, if any, ignored): lower-case hex. */
export function daxpay3Sign(fields: object, signType: SignType, secret: string): string {
  return digestHex(daxpay3SignString(fields, secret), signType, secret);
}

const HEX = /^[0-9a-fA-F]+$/;

/**
 * Verifies `fields.sign` against each secret (several during a rotation);
 * returns the index of the secret that matched, or -1.
 *
 * Accepted: the lower-case hex the SDK and the server emit, and the same hex
 * upper-cased, as the SDK's `equalsIgnoreCase` accepts it (the 3.0.0 server
 * compares with `Objects.equals` and so takes lower-case only). Case carries
 * no key material, so accepting both costs nothing and keeps clients that
 * upper-case their sign (common on the 2.0 wire) working. Anything that is not
 * hex is refused before comparing. A body that cannot be rendered (a
 * fractional number, a Date...) does not verify rather than throw, since
 * these fields come from an untrusted request.
 */
export function daxpay3Verify(fields: object, signType: SignType, secrets: readonly string[]): number {
  const received = 'sign' in fields ? fields.sign : undefined;
  if (typeof received !== 'string' || !HEX.test(received)) return -1;
  let link: string;
  try {
    link = daxpay3LinkString(fields);
  } catch (error) {
    if (error instanceof UnsignableValueError) return -1;
    throw error;
  }
  return matchSecret(received, secrets, (secret) => digestHex(`${link}&key=${secret}`.toUpperCase(), signType, secret));
}

/**
 * One field as `PaySignUtil.toMap` renders it, or undefined when it is left
 * out: strings as is, integers and booleans via String.valueOf, a JS Map as a
 * Java Map (JSON with case-insensitively sorted keys), a list as a Java
 * Collection of beans (each flattened like the top level; an empty list is
 * left out), any other object as a bean (JSON in key order). A
 * `yyyy-MM-dd HH:mm:ss` LocalDateTime is passed as that string.
 */
export function daxpay3FieldValue(value: unknown, path: string): string | undefined {
  switch (typeof value) {
    case 'undefined':
      return undefined;
    case 'string':
      return value;
    case 'number':
      return integerText(value, path);
    case 'bigint':
    case 'boolean':
      return String(value);
    case 'object':
      if (value === null) return undefined;
      if (Array.isArray(value)) return collectionText(value, path);
      if (value instanceof Map) return mapText(value, path);
      return hutoolJson(value, path);
    default:
      throw new UnsignableValueError(path, `unsupported ${describe(value)}`);
  }
}

function renderedFields(bean: object, path: string): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of beanEntries(bean, path)) {
    const text = daxpay3FieldValue(value, `${path}.${name}`);
    if (text !== undefined) out.push([name, text]);
  }
  return out;
}

function mapText(map: ReadonlyMap<unknown, unknown>, path: string): string {
  const entries: [string, unknown][] = [];
  for (const [name, value] of map) {
    if (typeof name !== 'string') throw new UnsignableValueError(path, `map key ${describe(name)}`);
    entries.push([name, value]);
  }
  // new TreeMap<>(CASE_INSENSITIVE_ORDER).putAll(map): null values are kept
  // there (and may overwrite a same-named entry), then dropped by the JSON.
  return hutoolJson(new Map(caseInsensitiveEntries(entries)), path);
}

function collectionText(items: readonly unknown[], path: string): string | undefined {
  // The Java side filters null items and leaves an empty collection out.
  const present = items.filter((item) => item !== null && item !== undefined);
  if (present.length === 0) return undefined;
  const maps = present.map((item, i) => {
    const itemPath = `${path}[${i}]`;
    // Each item goes through toMap's field walk, which only works on a bean:
    // on a String or a boxed number it reaches into java.base and fails.
    if (typeof item !== 'object' || item === null || Array.isArray(item) || item instanceof Map) {
      throw new UnsignableValueError(itemPath, `list item ${describe(item)} is not a bean`);
    }
    return new Map(caseInsensitiveEntries(renderedFields(item, itemPath)));
  });
  return hutoolJson(maps, path);
}
