import { AssistConfigError } from './assist-config.error';

/**
 * The checks every option and environment value goes through, so a bad
 * value fails at start with the setting's name instead of silently falling
 * back to a default.
 */
export interface IntegerRule {
  /** Accept 0 (e.g. "no retry delay", "limit off"). Default false. */
  zeroOk?: boolean;
  max?: number;
}

/** A whole number in range, or undefined when not given. */
export function optionalInteger(value: unknown, setting: string, rule: IntegerRule = {}): number | undefined {
  if (value === undefined) return undefined;
  const min = rule.zeroOk ? 0 : 1;
  if (
    typeof value !== 'number' ||
    !Number.isSafeInteger(value) ||
    value < min ||
    (rule.max !== undefined && value > rule.max)
  ) {
    const range = rule.max !== undefined ? `from ${min} to ${rule.max}` : rule.zeroOk ? '>= 0' : '>= 1';
    throw new AssistConfigError(setting, `must be a whole number ${range} (got ${describe(value)})`);
  }
  return value;
}

/** An absolute http(s) URL, or undefined when not given. Trailing slashes dropped. */
export function optionalHttpUrl(value: unknown, setting: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    try {
      const url = new URL(value);
      if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '')
        return value.replace(/\/+$/, '');
    } catch {
      // reported below
    }
  }
  throw new AssistConfigError(setting, `must be an absolute http(s) URL (got ${describe(value)})`);
}

/** An environment variable as a whole number: unset or blank is undefined, anything else must parse. */
export function envInteger(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  rule: IntegerRule = {},
): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  return optionalInteger(n, name, rule);
}

/** An environment variable as a string: unset or blank is undefined. */
export function envString(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

/** A value for an error message: numbers and short strings as they are, never more than 40 characters. */
function describe(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'not a number' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return value === null ? 'null' : typeof value;
}
