/** An optional text field of a request: blank is taken as not sent, so `""` never names a flow or a code. */
export function present(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
