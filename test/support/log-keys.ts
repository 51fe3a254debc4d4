/**
 * The keys of one AssistLogger line (`event k=v k="quoted \"v\""`), read the
 * way a log reader would: a value is a run without spaces or a JSON string
 * literal. A forged `key=value` inside a quoted value is not a key.
 */
export function logKeys(line: string): string[] {
  const keys: string[] = [];
  let i = line.indexOf(' ');
  while (i >= 0 && i < line.length) {
    const eq = line.indexOf('=', i + 1);
    if (eq < 0) throw new Error(`no '=' after position ${i} in ${line.slice(0, 120)}`);
    keys.push(line.slice(i + 1, eq));
    let j = eq + 1;
    if (line[j] === '"') {
      j++;
      while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      if (j >= line.length) throw new Error('unterminated quoted value');
      j++;
    } else {
      while (j < line.length && line[j] !== ' ') j++;
    }
    i = j < line.length ? j : -1;
  }
  return keys;
}

/** True when `text` holds a character that ends or rewrites a terminal line: C0 controls, DEL, C1 controls, U+2028/9. */
export function hasRawControl(text: string): boolean {
  return [...text].some((c) => {
    const n = c.charCodeAt(0);
    return n < 0x20 || (n >= 0x7f && n <= 0x9f) || n === 0x2028 || n === 0x2029;
  });
}
