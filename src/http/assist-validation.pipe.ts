import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { AssistException } from '../kernel/assist.exception';
import { AssistErrorCode } from '../kernel/error-codes';
import { isRecord } from '../kernel/is-record';
import { pickSignedFields } from './dto/signed-fields';

/** The DTO pipe: unknown fields dropped, the first broken rule of each field reported as 10006. */
export function createAssistValidationPipe(): ValidationPipe {
  return new AssistValidationPipe({
    whitelist: true,
    forbidUnknownValues: true,
    // The body arrives through AssistBody, a custom parameter decorator (see there).
    validateCustomDecorators: true,
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

/**
 * Hands class-transformer only the DTO's own fields, each a primitive or an
 * empty stand-in of the same kind: class-transformer recurses into every
 * nested value, so 10 000 levels of `[[[...]]]` overflowed the stack (10001),
 * and copying keys such as `__proto__` is how prototype pollution starts.
 * Every DTO field is a string or a number, so an object or array there fails
 * its rule with the same message as before.
 */
export class AssistValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if ((metadata.type === 'custom' || metadata.type === 'body') && isRecord(value) && metadata.metatype) {
      const picked = pickSignedFields(value, metadata.metatype);
      const flat: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(picked)) {
        flat[k] = Array.isArray(v) ? [] : typeof v === 'object' && v !== null ? {} : v;
      }
      value = flat;
    }
    return super.transform(value, metadata);
  }
}
