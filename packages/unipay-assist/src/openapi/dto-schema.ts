import { getMetadataStorage } from 'class-validator';

/** What the OpenAPI document says about one DTO field, read from its class-validator rules. */
export interface DerivedProperty {
  required: boolean;
  schema: Record<string, unknown>;
}

type Ctor = abstract new (...args: never[]) => unknown;

/**
 * The DTO's field rules as OpenAPI schema: required (IsDefined, not
 * IsOptional), type, maxLength, enum and the format of the module's own
 * validators. The rules live once, on the DTO; the document only adds prose.
 */
export function deriveDtoProperties(dto: Ctor): Map<string, DerivedProperty> {
  const out = new Map<string, DerivedProperty>();
  const entry = (name: string): DerivedProperty => {
    let e = out.get(name);
    if (!e) {
      e = { required: false, schema: {} };
      out.set(name, e);
    }
    return e;
  };
  // (target, schema, always, strictGroups): every rule, inherited ones included.
  for (const m of getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false)) {
    const e = entry(m.propertyName);
    const c: unknown[] = m.constraints ?? [];
    switch (m.name ?? m.type) {
      case 'isDefined':
        e.required = true;
        break;
      case 'isString':
      case 'isNotBlank':
        e.schema.type = 'string';
        break;
      case 'maxLength':
        e.schema.type = 'string';
        e.schema.maxLength = c[0];
        break;
      case 'isIn':
        e.schema.enum = c[0];
        break;
      case 'isHttpUrl':
        Object.assign(e.schema, { type: 'string', format: 'uri' });
        break;
      case 'isClientIp':
        Object.assign(e.schema, { type: 'string', description: 'an IPv4 or IPv6 address, or empty' });
        break;
      case 'isReqTime':
        e.schema.oneOf = [
          { type: 'integer', minimum: 0 },
          { type: 'string', pattern: '^\\d{1,16}$' },
          { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$' },
        ];
        break;
      default:
        if (m.type === 'isDefined') e.required = true;
    }
  }
  return out;
}
