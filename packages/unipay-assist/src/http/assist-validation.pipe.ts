import { ArgumentMetadata, Injectable, PipeTransform, Type, ValidationError } from '@nestjs/common';
import { AssistException } from '../kernel/assist.exception';
import { AssistErrorCode } from '@unipay-assist/wire';
import { isRecord } from '@unipay-assist/wire';
import { validateDto } from './validate-dto';

/** The DTO pipe: unknown fields dropped, the first broken rule of each field reported as 10006. */
export function createAssistValidationPipe(): AssistValidationPipe {
  return new AssistValidationPipe();
}

export function describeValidationErrors(errors: ValidationError[]): string {
  const parts = errors.map((e) => Object.values(e.constraints ?? {})[0] ?? `${e.property} is invalid`);
  return parts.length > 0 ? parts.join('; ') : 'invalid request';
}

/**
 * The body (or query) as an instance of the parameter's DTO, checked by its
 * class-validator rules (validateDto): the first broken rule of each field
 * is the 10006 message. On a signed route the SignatureGuard has already
 * run the same validation for the head fields; this reads that one run.
 *
 * Nest's ValidationPipe does the same plus what the relay does not need: a
 * second class-transformer pass back to a plain object, and the asynchronous
 * validate() (a promise per rule).
 */
@Injectable()
export class AssistValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const dto = metadata.metatype;
    if ((metadata.type !== 'custom' && metadata.type !== 'body' && metadata.type !== 'query') || !isDto(dto))
      return value;
    if (!isRecord(value)) throw new AssistException(AssistErrorCode.INVALID_FIELD, 'the request must be a JSON object');
    const { instance, errors } = validateDto(value, dto);
    if (errors.length > 0) throw new AssistException(AssistErrorCode.INVALID_FIELD, describeValidationErrors(errors));
    return instance;
  }
}

const PLAIN_TYPES: ReadonlySet<unknown> = new Set([String, Boolean, Number, Array, Object]);

/** A DTO class to validate against (not a primitive's constructor or Object, as Nest's ValidationPipe decides). */
function isDto(metatype: Type<unknown> | undefined): metatype is Type<unknown> {
  return typeof metatype === 'function' && !PLAIN_TYPES.has(metatype);
}
