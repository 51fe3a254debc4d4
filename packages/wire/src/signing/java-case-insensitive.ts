/**
 * Java's `String.CASE_INSENSITIVE_ORDER`, which DaxPay 3.0 uses for the
 * `TreeMap`s its sign walks through: char by char (UTF-16 code units), each
 * pair compared after upper-casing, then after lower-casing, shorter first on
 * a common prefix.
 *
 * Java maps one char at a time (`Character.toUpperCase(char)`); JS only has
 * the full, string-level mapping, so a char whose full mapping is longer than
 * one unit (ß → SS) keeps itself, as Java's simple mapping does. Exact for the
 * ASCII names every DaxPay bean and query uses.
 */
export function compareCaseInsensitive(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let c1 = a.charCodeAt(i);
    let c2 = b.charCodeAt(i);
    if (c1 === c2) continue;
    c1 = upperUnit(c1);
    c2 = upperUnit(c2);
    if (c1 === c2) continue;
    c1 = lowerUnit(c1);
    c2 = lowerUnit(c2);
    if (c1 !== c2) return c1 - c2;
  }
  return a.length - b.length;
}

/**
 * The entries a `TreeMap(CASE_INSENSITIVE_ORDER)` holds after putting these in
 * order: sorted case-insensitively, names equal up to case collapsed into one
 * entry that keeps the first spelling and the last value (`TreeMap.put`).
 */
export function caseInsensitiveEntries<V>(entries: Iterable<readonly [string, V]>): [string, V][] {
  // A stable sort keeps names equal up to case in input order, so the first of
  // each run is the first spelling put and the last holds the last value.
  const sorted = [...entries].sort(([a], [b]) => compareCaseInsensitive(a, b));
  const out: [string, V][] = [];
  for (const [name, value] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && compareCaseInsensitive(last[0], name) === 0) last[1] = value;
    else out.push([name, value]);
  }
  return out;
}

function upperUnit(unit: number): number {
  const mapped = String.fromCharCode(unit).toUpperCase();
  return mapped.length === 1 ? mapped.charCodeAt(0) : unit;
}

function lowerUnit(unit: number): number {
  const mapped = String.fromCharCode(unit).toLowerCase();
  return mapped.length === 1 ? mapped.charCodeAt(0) : unit;
}
