/**
 * The body restricted to `names`; the whole body when there are none
 * (nothing is dropped blindly). Unknown fields are not signed, per SPEC.
 */
export function pickFields(body: Record<string, unknown>, names: ReadonlySet<string>): Record<string, unknown> {
  if (names.size === 0) return body;
  const picked: Record<string, unknown> = {};
  for (const name of Object.keys(body)) if (names.has(name)) picked[name] = body[name];
  return picked;
}
