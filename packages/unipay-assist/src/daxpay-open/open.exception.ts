/**
 * A failure with one of DaxPay Open's own numbers (OpenCode), answered as is
 * by the Open routes' filter. Relay-wide failures stay AssistException and are
 * translated (openCodeOf).
 */
export class OpenException extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'OpenException';
  }
}
