import { AssistErrorCode, AssistErrorCodeValue } from '@unipay-assist/wire';

/**
 * An error that becomes an envelope failure (`data: null`). Pure (no NestJS)
 * so services and the client SDK can share it; the filter maps it.
 */
export class AssistException extends Error {
  constructor(
    readonly code: AssistErrorCodeValue,
    message: string,
  ) {
    super(message);
    this.name = 'AssistException';
  }

  static invalidField(field: string, reason: string): AssistException {
    return new AssistException(AssistErrorCode.INVALID_FIELD, `${field}: ${reason}`);
  }
}
