/**
 * Request-supplied text made safe for a log line (and for a message that
 * quotes it): capped, and anything that could end the line, start a forged
 * `key=value`, or drive a terminal (newlines, CR, ANSI escapes, C1 controls,
 * U+2028/9) escaped. A value a client sends can be 16 KB of newlines; a log
 * line stays one line of bounded length whatever it carries.
 */

/** Characters of a value kept in a log line; the rest is counted, not written. */
export const LOG_VALUE_MAX = 512;

/** Characters of a field name kept in a log line or a message. */
export const LOG_NAME_MAX = 64;

/** `text` cut to `max` characters, saying how many were dropped. */
export function capped(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…(+${text.length - max})` : text;
}

/**
 * A log value: as it is when it is plain printable ASCII with no space, quote,
 * `=` or backslash; otherwise a JSON string literal (quoted, escaped), so a
 * reader splitting on spaces and `=` finds only the writer's own keys.
 */
export function logValue(value: string): string {
  const text = capped(value, LOG_VALUE_MAX);
  if (/^[\x21-\x7e]+$/.test(text) && !/["=\\]/.test(text)) return text;
  return escapeBeyondJson(JSON.stringify(text));
}

/** A log field name: letters, digits, `_`, `.`, `-`; anything else becomes `_`; capped. */
export function logName(name: string): string {
  const text = name.length > LOG_NAME_MAX ? `${name.slice(0, LOG_NAME_MAX)}_` : name;
  return text === '' ? '_' : text.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** A name as a message quotes it (e.g. a query parameter given twice): capped, controls escaped, still readable. */
export function quotedName(name: string): string {
  const text = capped(name, LOG_NAME_MAX);
  return /^[\x20-\x7e]*$/.test(text) ? text : escapeBeyondJson(JSON.stringify(text).slice(1, -1));
}

// JSON.stringify escapes C0 controls, quotes and backslashes, not DEL, C1 controls or the line separators.
function escapeBeyondJson(json: string): string {
  return json.replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
