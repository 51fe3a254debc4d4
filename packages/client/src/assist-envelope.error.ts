import { AssistClientError } from './assist-client.error';

/**
 * The relay refused the request before the business ran: the outer envelope
 * `code` is not 0 (10006 invalid field, 20052 bad signature, 10007 replay (strict merchants), ...).
 */
export class AssistEnvelopeError extends AssistClientError {
  /** What the code means for the caller, e.g. "the server rejected the signature: check ...". */
  readonly hint: string;

  constructor(
    /** The envelope code: one of the relay's stable error codes. */
    readonly code: number,
    /** The server's reason, naming the field or cause. */
    readonly serverMessage: string,
    traceId?: string,
  ) {
    const hint = describeEnvelopeCode(code);
    super(`${hint} (code ${code}): ${serverMessage}`, traceId);
    this.hint = hint;
  }
}

// The few codes a caller acts on get a sentence that says what to check.
function describeEnvelopeCode(code: number): string {
  switch (code) {
    case 20052:
      return 'the server rejected the signature: check the sign secret and sign type';
    case 10006:
      return 'the server rejected a field';
    case 20023:
      return 'the server does not know this merchant: check mchNo/appId';
    case 10007:
      return 'the server saw this signed request before (replay)';
    default:
      return 'the server refused the request';
  }
}
