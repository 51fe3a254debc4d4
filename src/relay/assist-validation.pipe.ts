import { ValidationError, ValidationPipe } from '@nestjs/common';
import { AssistException } from '../envelope/assist.exception';
import { AssistErrorCode } from '../envelope/error-codes';

/** The DTO pipe: unknown fields dropped, the first broken rule of each field reported as 10006. */
export function createAssistValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors: ValidationError[]) =>
      new AssistException(AssistErrorCode.INVALID_FIELD, describeValidationErrors(errors)),
  });
}

export function describeValidationErrors(errors: ValidationError[]): string {
  const parts = errors.map((e) => Object.values(e.constraints ?? {})[0] ?? `${e.property} is invalid`);
  return parts.length > 0 ? parts.join('; ') : 'invalid request';
}
