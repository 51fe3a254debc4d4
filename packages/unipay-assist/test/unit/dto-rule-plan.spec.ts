import { Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import {
  getMetadataStorage,
  IsString,
  MaxLength,
  Validate,
  ValidateNested,
  ValidationError,
  validateSync,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import fc from 'fast-check';
import { AlipayAuthUrlDto } from '../../src/http/dto/alipay-auth-url.dto';
import { AlipayUserIdDto } from '../../src/http/dto/alipay-user-id.dto';
import { AssistRequestDto, SignedRequestHead } from '../../src/http/dto/assist-request.dto';
import { AuthCodeDto } from '../../src/http/dto/auth-code.dto';
import { ChannelAuthJumpDto } from '../../src/http/dto/channel-auth-jump.dto';
import { ChannelAuthRequestDto } from '../../src/http/dto/channel-auth-request.dto';
import { GenerateAuthUrlDto } from '../../src/http/dto/generate-auth-url.dto';
import { dtoFieldNames } from '../../src/http/dto/signed-fields';
import { WxAccessTokenDto } from '../../src/http/dto/wx-access-token.dto';
import { WxAuthUrlDto } from '../../src/http/dto/wx-auth-url.dto';
import { WxMiniOpenIdDto } from '../../src/http/dto/wx-mini-open-id.dto';
import { dtoRulePlan } from '../../src/http/dto-rule-plan';
import { OpenAuthCodeDto } from '../../src/http/open/dto/open-auth-code.dto';
import { OpenAuthDto } from '../../src/http/open/dto/open-auth.dto';
import { OpenCommonDto } from '../../src/http/open/dto/open-common.dto';
import { OpenGenerateAuthUrlDto } from '../../src/http/open/dto/open-generate-auth-url.dto';
import { OpenPingDto } from '../../src/http/open/dto/open-ping.dto';
import { validateDto } from '../../src/http/validate-dto';

const DTOS: Array<Type<unknown>> = [
  SignedRequestHead,
  AssistRequestDto,
  WxAuthUrlDto,
  WxAccessTokenDto,
  WxMiniOpenIdDto,
  AlipayAuthUrlDto,
  AlipayUserIdDto,
  ChannelAuthRequestDto,
  GenerateAuthUrlDto,
  AuthCodeDto,
  ChannelAuthJumpDto,
  OpenCommonDto,
  OpenAuthDto,
  OpenAuthCodeDto,
  OpenGenerateAuthUrlDto,
  OpenPingDto,
];

/** What validateDto did before the plan: class-transformer's instance, class-validator's run. */
function reference(body: Record<string, unknown>, dto: Type<unknown>): { instance: object; errors: ValidationError[] } {
  const flat: Record<string, unknown> = {};
  for (const k of dtoFieldNames(dto)) {
    if (!Object.hasOwn(body, k)) continue;
    const v = body[k];
    flat[k] = Array.isArray(v) ? [] : typeof v === 'object' && v !== null ? {} : v;
  }
  const instance = plainToInstance(dto, flat) as object;
  const errors = validateSync(instance, {
    whitelist: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
  });
  return { instance, errors };
}

/** Values that sit on the rules' edges: lengths 32/33, 64/65, 128/129, 200/201, URLs, IPs, reqTime shapes. */
const EDGE_VALUES: unknown[] = [
  undefined,
  null,
  '',
  ' ',
  'a',
  'CODE1',
  0,
  -1,
  1.5,
  true,
  [],
  {},
  ...[31, 32, 33, 63, 64, 65, 127, 128, 129, 199, 200, 201, 257].map((n) => 'x'.repeat(n)),
  'https://shop.example.com/pay',
  'http://127.0.0.1:9000/demo/callback',
  `https://shop.example.com/${'p'.repeat(180)}`,
  'ftp://shop.example.com/',
  'https://',
  'https://shop.example.com/a b',
  '127.0.0.1',
  '::1',
  '1.2.3',
  1718000000,
  '1718000000',
  '17180000000000000',
  '2024-06-10 12:00:00',
  '2024-13-10 12:00:00',
  'M0001',
  'wx0demo',
  'a1b2c3d4',
];

/** Every value a DTO's @IsIn rules name, so bodies reach their passing side too. */
function inValues(dto: Type<unknown>): unknown[] {
  return getMetadataStorage()
    .getTargetValidationMetadatas(dto, '', true, false)
    .filter((m) => m.name === 'isIn')
    .flatMap((m) => m.constraints[0] as unknown[]);
}

/** A body every rule of `dto` accepts, field by field, found with class-validator itself. */
function passingBody(dto: Type<unknown>, pool: unknown[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of dtoFieldNames(dto)) {
    const ok = pool.find((v) => !reference({ [field]: v }, dto).errors.some((e) => e.property === field));
    if (ok !== undefined) body[field] = ok;
  }
  return body;
}

const own = (o: object) => ({ type: o.constructor, entries: Object.entries(o) });

describe('dtoRulePlan (unit: the same answer as class-validator for every DTO of the module)', () => {
  it.each(DTOS.map((d) => [d.name, d] as const))(
    '%s: validateDto and class-transformer + validateSync agree on 1500 bodies around the edges',
    (_name, dto) => {
      expect(dtoRulePlan(dto)).toBeDefined();
      const pool = [...EDGE_VALUES, ...inValues(dto)];
      const base = passingBody(dto, pool);
      expect(reference(base, dto).errors).toEqual([]);
      const fields = [...dtoFieldNames(dto)];
      let passed = 0;
      fc.assert(
        fc.property(
          // Most bodies change a few fields of a passing one; some add fields the DTO does not know.
          fc.dictionary(fc.constantFrom(...fields, 'extra', '__proto__'), fc.constantFrom(...pool), { maxKeys: 3 }),
          fc.boolean(),
          (changes, dropOne) => {
            const body: Record<string, unknown> = { ...base };
            for (const [k, v] of Object.entries(changes)) {
              if (v === undefined) delete body[k];
              else Object.defineProperty(body, k, { value: v, enumerable: true, writable: true, configurable: true });
            }
            if (dropOne && fields.length > 0) delete body[fields[Object.keys(changes).length % fields.length]];
            const got = validateDto(body, dto);
            const want = reference(body, dto);
            expect(JSON.stringify(got.errors)).toBe(JSON.stringify(want.errors));
            expect(own(got.instance)).toEqual(own(want.instance));
            if (got.errors.length === 0) passed++;
          },
        ),
        { numRuns: 1500, seed: 20261206 },
      );
      // Both sides of the plan ran: bodies it passed, and bodies class-validator worded errors for.
      expect(passed).toBeGreaterThan(50);
      expect(passed).toBeLessThan(1500);
    },
  );

  it('a DTO with a rule the plan does not model has no plan: nested, each, asynchronous', () => {
    class Inner {
      @IsString()
      name!: string;
    }
    class Nested {
      @ValidateNested()
      inner!: Inner;
    }
    class Each {
      @IsString({ each: true })
      names!: string[];
    }
    @ValidatorConstraint({ name: 'later', async: true })
    class Later implements ValidatorConstraintInterface {
      validate(): Promise<boolean> {
        return Promise.resolve(true);
      }
    }
    class Async {
      @Validate(Later)
      name!: string;
    }
    class Plain {
      @IsString()
      @MaxLength(3)
      name!: string;
    }
    class NoRule {
      name?: string;
    }
    expect([Nested, Each, Async, NoRule].map((d) => dtoRulePlan(d))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    const plan = dtoRulePlan(Plain);
    expect(
      plan && [
        plan.passes(Object.assign(new Plain(), { name: 'abc' })),
        plan.passes(Object.assign(new Plain(), { name: 'abcd' })),
      ],
    ).toEqual([true, false]);
    // Without a plan, validateDto is class-validator's run: the same errors.
    expect(validateDto({ names: 5 }, Each).errors.map((e) => e.property)).toEqual(['names']);
    expect(validateDto({}, NoRule).errors.map((e) => e.constraints)).toEqual([
      { unknownValue: 'an unknown value was passed to the validate function' },
    ]);
  });
});
