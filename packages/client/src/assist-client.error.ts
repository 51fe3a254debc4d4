/**
 * The base of every error the client throws, so a caller can catch them all
 * with one `instanceof`. `traceId` names the server's log lines when known.
 */
export class AssistClientError extends Error {
  constructor(
    message: string,
    readonly traceId?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
