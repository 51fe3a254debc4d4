import { Type } from '@nestjs/common';
import { getMetadataStorage, ValidationArguments, ValidationTypes } from 'class-validator';

/** One rule of a property: a class-validator constraint and the decorator's arguments for it. */
interface Rule {
  validate(value: unknown, args: ValidationArguments): unknown;
  constraints: unknown[];
}

interface PropertyRules {
  property: string;
  /** @IsOptional / @ValidateIf: every one must say yes for the rules to run. */
  conditions: Array<(object: object, value: unknown) => boolean>;
  /** @IsDefined first, then the others, in class-validator's order. */
  rules: Rule[];
}

/**
 * A DTO's class-validator rules read once from class-validator's own metadata,
 * so a body that keeps every rule is known to in one pass over its fields.
 *
 * Why: `validateSync` finds a class's rules again on every call (a filter over
 * every validated class in the process, and another per property and rule):
 * about a tenth of getWxAuthUrl's CPU. The plan runs the same constraint
 * objects, in the same order, with the same arguments, and only answers
 * "every rule passes". Whenever it does not, validateDto asks `validateSync`
 * for the errors, so every error a client sees is class-validator's own.
 *
 * A DTO with a rule the plan does not model (nested, `each`, asynchronous, a
 * promise) has no plan: it always goes through `validateSync`.
 */
export interface DtoRulePlan {
  /** The properties class-validator keeps under `whitelist` (those with a rule). */
  readonly properties: ReadonlySet<string>;
  /** True when class-validator would find no broken rule on `instance`. */
  passes(instance: object): boolean;
}

const plans = new WeakMap<Type<unknown>, DtoRulePlan | null>();

export function dtoRulePlan(dto: Type<unknown>): DtoRulePlan | undefined {
  let plan = plans.get(dto);
  if (plan === undefined) {
    plan = buildPlan(dto);
    plans.set(dto, plan);
  }
  return plan ?? undefined;
}

function buildPlan(dto: Type<unknown>): DtoRulePlan | null {
  const storage = getMetadataStorage();
  // The call validateSync's executor makes: (target, schema, always, strictGroups, groups).
  const metadatas = storage.getTargetValidationMetadatas(dto, '', false, false, undefined);
  // No rule at all: forbidUnknownValues makes that an error, which validateSync words.
  if (metadatas.length === 0) return null;
  const byProperty = storage.groupByPropertyName(metadatas);
  const properties: PropertyRules[] = [];
  for (const [property, list] of Object.entries(byProperty)) {
    const conditions: PropertyRules['conditions'] = [];
    const defined: Rule[] = [];
    const others: Rule[] = [];
    for (const m of list) {
      if (m.each) return null;
      switch (m.type) {
        case ValidationTypes.CONDITIONAL_VALIDATION:
          conditions.push(m.constraints[0] as (object: object, value: unknown) => boolean);
          break;
        case ValidationTypes.WHITELIST:
          break;
        case ValidationTypes.IS_DEFINED:
        case ValidationTypes.CUSTOM_VALIDATION: {
          const target = m.type === ValidationTypes.IS_DEFINED ? defined : others;
          for (const c of storage.getTargetValidatorConstraints(m.constraintCls)) {
            if (c.async) return null;
            const instance = c.instance as { validate(value: unknown, args: ValidationArguments): unknown };
            target.push({ validate: instance.validate.bind(instance), constraints: m.constraints });
          }
          break;
        }
        default:
          // Nested or promise validation: class-validator's executor does it.
          return null;
      }
    }
    properties.push({ property, conditions, rules: [...defined, ...others] });
  }
  const targetName = dto.name;
  return {
    properties: new Set(Object.keys(byProperty)),
    passes(instance: object): boolean {
      const values = instance as Record<string, unknown>;
      for (const p of properties) {
        const value = values[p.property];
        let applies = true;
        // class-validator calls every condition (no short cut) before deciding.
        for (const condition of p.conditions) applies = condition(instance, value) && applies;
        if (!applies) continue;
        for (const rule of p.rules) {
          const ok = rule.validate(value, {
            targetName,
            property: p.property,
            object: instance,
            value,
            constraints: rule.constraints,
          });
          // Falsy is a broken rule (as class-validator reads it); a promise, a rule that became
          // asynchronous: neither is a pass.
          if (!ok || typeof (ok as { then?: unknown }).then === 'function') return false;
        }
      }
      return true;
    },
  };
}
