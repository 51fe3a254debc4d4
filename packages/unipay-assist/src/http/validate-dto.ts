import { Type, ValidationError } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidatorOptions } from 'class-validator';
import { dtoFieldNames } from './dto/signed-fields';

const VALIDATOR_OPTIONS: ValidatorOptions = {
  whitelist: true,
  forbidUnknownValues: true,
  stopAtFirstError: true,
  validationError: { target: false, value: false },
};

/** A body checked against a DTO: the instance, and the first broken rule of each field (none: valid). */
export interface DtoValidation {
  instance: object;
  errors: ValidationError[];
}

// By body object: the SignatureGuard checks the head fields before the sign, the pipe the rest after it,
// and both read this one run of class-transformer and class-validator over the same req.body.
const validated = new WeakMap<object, { dto: Type<unknown>; result: DtoValidation }>();

/**
 * The body as an instance of `dto`, checked by its class-validator rules
 * (synchronously: no DTO rule is asynchronous), once per body and DTO.
 *
 * Only the DTO's own fields reach class-transformer, each a primitive or an
 * empty stand-in of the same kind: class-transformer recurses into every
 * nested value, so 10 000 levels of `[[[...]]]` overflowed the stack (10001),
 * and copying keys such as `__proto__` is how prototype pollution starts.
 * Every DTO field is a string or a number, so an object or array there fails
 * its rule with the same message as the value itself would.
 */
export function validateDto(body: Record<string, unknown>, dto: Type<unknown>): DtoValidation {
  const seen = validated.get(body);
  if (seen?.dto === dto) return seen.result;
  const flat: Record<string, unknown> = {};
  for (const k of dtoFieldNames(dto)) {
    // The body's own fields only (as the sign reads them), never one inherited from a prototype.
    if (!Object.hasOwn(body, k)) continue;
    const v = body[k];
    flat[k] = Array.isArray(v) ? [] : typeof v === 'object' && v !== null ? {} : v;
  }
  const instance = plainToInstance(dto, flat) as object;
  const result = { instance, errors: validateSync(instance, VALIDATOR_OPTIONS) };
  validated.set(body, { dto, result });
  return result;
}
