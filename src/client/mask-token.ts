/** `abcd…wxyz`: enough to recognise a token, not enough to use it. */
export function maskToken(value: string): string {
  if (value.length <= 8) return '*'.repeat(value.length);
  return `${value.slice(0, 4)}…${value.slice(-4)}`;
}
