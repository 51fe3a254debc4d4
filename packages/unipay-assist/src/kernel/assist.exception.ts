import { AssistErrorCode, AssistErrorCodeValue } from '@unipay-assist/wire';
import { quotedName } from './log-safe';

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
    // The field name may be a client's (a query parameter given twice): capped and escaped before it is quoted.
    return new AssistException(AssistErrorCode.INVALID_FIELD, `${quotedName(field)}: ${reason}`);
  }
}
