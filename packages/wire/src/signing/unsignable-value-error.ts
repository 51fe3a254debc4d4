/**
 * A value the DaxPay 3.0 sign cannot render the way the Java side would (a
 * fractional number, a Date, a list of plain strings...). Signing such a value
 * would produce a sign no DaxPay peer computes, so it is refused instead.
 */
export class UnsignableValueError extends TypeError {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`cannot sign ${path}: ${reason}`);
    this.name = 'UnsignableValueError';
  }
}
