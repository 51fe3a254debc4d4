import { UnsignableValueError } from './unsignable-value-error';

/**
 * JSON text as DaxPay 3.0 writes a nested value into its sign string
 * (`JsonUtil.toJsonStr` = hutool 5.8 `JSONObject` with bootx's config): no
 * whitespace, object members in the order given (a bean's declaration order,
 * a nested Map's own iteration order), null and undefined members left out,
 * strings quoted by `hutoolQuote`.
 *
 * Only the shapes DaxPay beans carry are rendered; anything whose Java
 * rendering is not pinned down (fractional numbers: double or BigDecimal?;
 * Date: which format?; null inside a list) throws UnsignableValueError rather
 * than yield a sign no DaxPay peer would compute.
 */
export function hutoolJson(value: unknown, path = '$'): string {
  switch (typeof value) {
    case 'string':
      return hutoolQuote(value);
    case 'number':
      return integerText(value, path);
    case 'bigint':
    case 'boolean':
      return String(value);
    case 'object':
      if (value === null) break;
      if (Array.isArray(value)) {
        return `[${value.map((item: unknown, i) => arrayItem(item, `${path}[${i}]`)).join(',')}]`;
      }
      if (value instanceof Map) return objectText(mapEntries(value, path), path);
      return objectText(beanEntries(value, path), path);
    default:
      break;
  }
  throw new UnsignableValueError(path, `unsupported ${describe(value)}`);
}

/**
 * hutool's `JSONUtil.quote`: `\` and `"` backslashed; `\b \t \n \f \r` by
 * name; every other char below U+0020 and the invisible ranges U+0080–U+00A0,
 * U+2000–U+2010, U+2028–U+202F, U+2066–U+206F as `\uXXXX` (lower-case hex);
 * everything else, `/` and surrogates included, as is (per UTF-16 unit).
 */
export function hutoolQuote(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    out += escapeUnit(unit) ?? text[i];
  }
  return `${out}"`;
}

function escapeUnit(unit: number): string | undefined {
  switch (unit) {
    case 0x22:
      return '\\"';
    case 0x5c:
      return '\\\\';
    case 0x08:
      return '\\b';
    case 0x09:
      return '\\t';
    case 0x0a:
      return '\\n';
    case 0x0c:
      return '\\f';
    case 0x0d:
      return '\\r';
    default:
      if (
        unit < 0x20 ||
        (unit >= 0x80 && unit <= 0xa0) ||
        (unit >= 0x2000 && unit <= 0x2010) ||
        (unit >= 0x2028 && unit <= 0x202f) ||
        (unit >= 0x2066 && unit <= 0x206f)
      ) {
        return `\\u${unit.toString(16).padStart(4, '0')}`;
      }
      return undefined;
  }
}

/**
 * The integers a Java int/long field holds print the same in Java and JS; a
 * fractional JS number could stand for a double ("1.0") or a BigDecimal ("1"),
 * so it is refused.
 */
export function integerText(value: number, path: string): string {
  if (!Number.isSafeInteger(value)) {
    throw new UnsignableValueError(path, `number ${String(value)} is not a safe integer`);
  }
  return String(value);
}

function arrayItem(item: unknown, path: string): string {
  // hutool's handling of a null list element differs between 5.8 releases and
  // no DaxPay bean has one; refuse instead of guessing.
  if (item === null || item === undefined) throw new UnsignableValueError(path, 'null list element');
  return hutoolJson(item, path);
}

function objectText(entries: Iterable<readonly [string, unknown]>, path: string): string {
  const members: string[] = [];
  for (const [name, member] of entries) {
    if (member === null || member === undefined) continue;
    members.push(`${hutoolQuote(name)}:${hutoolJson(member, `${path}.${name}`)}`);
  }
  return `{${members.join(',')}}`;
}

function mapEntries(map: ReadonlyMap<unknown, unknown>, path: string): [string, unknown][] {
  return [...map.entries()].map(([name, member]): [string, unknown] => {
    if (typeof name !== 'string') throw new UnsignableValueError(path, `map key ${describe(name)}`);
    return [name, member];
  });
}

/**
 * A bean's members in declaration order, which for a JS object is insertion
 * order (integer-like names aside, which no Java field can have). Objects
 * with their own rendering rules are refused.
 */
export function beanEntries(value: object, path: string): [string, unknown][] {
  if (value instanceof Date || value instanceof Set || value instanceof RegExp || ArrayBuffer.isView(value)) {
    throw new UnsignableValueError(path, `unsupported ${describe(value)}`);
  }
  return Object.entries(value);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
