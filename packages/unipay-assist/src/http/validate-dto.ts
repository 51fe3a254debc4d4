import { Type, ValidationError } from '@nestjs/common';
import { validateSync, ValidatorOptions } from 'class-validator';
import { dtoFieldNames } from './dto/signed-fields';
import { dtoRulePlan } from './dto-rule-plan';

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
// and both read this one run of class-validator over the same req.body.
const validated = new WeakMap<object, { dto: Type<unknown>; result: DtoValidation }>();

/**
 * The body as an instance of `dto`, checked by its class-validator rules
 * (synchronously: no DTO rule is asynchronous), once per body and DTO.
 *
 * Only the DTO's own fields reach the instance, each a primitive or an empty
 * stand-in of the same kind: 10 000 levels of `[[[...]]]` once overflowed the
 * stack of a recursive copy (10001), and copying keys such as `__proto__` is
 * how prototype pollution starts. Every DTO field is a string or a number, so
 * an object or array there fails its rule with the same message as the value
 * itself would. No DTO has a class-transformer decorator, so `new dto()` with
 * those fields is what `plainToInstance` made, without its walk of the value.
 *
 * The DTO's rule plan (dto-rule-plan.ts) says whether every rule passes; when
 * it does not, or the DTO has no plan, `validateSync` gives the errors.
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
  const instance = Object.assign(new dto() as object, flat);
  const plan = dtoRulePlan(dto);
  let errors: ValidationError[];
  if (plan?.passes(instance)) {
    errors = [];
    // What validateSync's whitelist would strip: a declared field without a rule.
    for (const k of Object.keys(instance)) if (!plan.properties.has(k)) delete (instance as Record<string, unknown>)[k];
  } else {
    errors = validateSync(instance, VALIDATOR_OPTIONS);
  }
  const result = { instance, errors };
  validated.set(body, { dto, result });
  return result;
}
