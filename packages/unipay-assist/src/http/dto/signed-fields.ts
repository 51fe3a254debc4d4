import { Type } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { pickFields } from '@unipay-assist/wire';

/**
 * SPEC: unknown fields are ignored and are not part of the signature, as in
 * DaxPay, where the sign covers the fields of the parameter class. The known
 * names are the DTO's validated properties: the same list the validation
 * pipe's whitelist keeps, so "known" means one thing everywhere.
 */
const cache = new WeakMap<Type<unknown>, ReadonlySet<string>>();

export function dtoFieldNames(dto: Type<unknown>): ReadonlySet<string> {
  let names = cache.get(dto);
  if (!names) {
    // (target, schema, always, strictGroups): every property with a rule, inherited ones included.
    names = new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(dto, '', true, false)
        .map((m) => m.propertyName),
    );
    cache.set(dto, names);
  }
  return names;
}

/** The body restricted to the DTO's fields; the whole body when there is no DTO (nothing is dropped blindly). */
export function pickSignedFields(
  body: Record<string, unknown>,
  dto: Type<unknown> | undefined,
): Record<string, unknown> {
  return dto ? pickFields(body, dtoFieldNames(dto)) : body;
}
