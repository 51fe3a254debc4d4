import { validateSync } from 'class-validator';
import { AssistException } from '../../kernel/assist.exception';
import { AssistErrorCode } from '@unipay-assist/wire';
import { describeValidationErrors } from '../assist-validation.pipe';
import { SignedRequestHead } from '../dto/assist-request.dto';
import { reqTimeSeconds } from '../dto/req-time-value';
import { validateDto } from '../validate-dto';
import type { Type } from '@nestjs/common';

export interface RequestHead {
  mchNo?: string;
  appId?: string;
  /** Seconds since the epoch (a `yyyy-MM-dd HH:mm:ss` read as China time until the merchant's zone is known). */
  reqTime: number;
  /** The `yyyy-MM-dd HH:mm:ss` text when reqTime came in that shape (the multi line and 3.0); absent for epoch seconds (2.0). */
  reqTimeText?: string;
  sign?: string;
}

const HEAD_FIELDS = ['sign', 'reqTime', 'mchNo', 'appId'] as const;

/**
 * The head fields checked by the DTO's own rules (SignedRequestHead, which
 * every route DTO extends), before the guard uses them to pick a merchant and
 * verify a sign. With the route's DTO, that is the one validation run the
 * pipe reads later (validateDto), of which only the head's errors count here;
 * without one, the four head fields alone are checked.
 */
export function readRequestHead(body: Record<string, unknown>, dto?: Type<unknown>): RequestHead {
  const head = dto ? headOf(body, dto) : headAlone(body);
  const reqTimeText = typeof head.reqTime === 'string' && !/^\d+$/.test(head.reqTime) ? head.reqTime : undefined;
  return {
    mchNo: emptyToUndefined(head.mchNo),
    appId: emptyToUndefined(head.appId),
    reqTime: reqTimeSeconds(head.reqTime) as number,
    ...(reqTimeText !== undefined && { reqTimeText }),
    sign: emptyToUndefined(head.sign),
  };
}

const HEAD_FIELD_NAMES: ReadonlySet<string> = new Set(HEAD_FIELDS);

function headOf(body: Record<string, unknown>, dto: Type<unknown>): Partial<SignedRequestHead> {
  const { instance, errors } = validateDto(body, dto);
  const broken = errors.filter((e) => HEAD_FIELD_NAMES.has(e.property));
  if (broken.length > 0) throw new AssistException(AssistErrorCode.INVALID_FIELD, describeValidationErrors(broken));
  // null counts as absent, as in the sign (SPEC: null fields are left out).
  return pickPresent(instance as Record<string, unknown>);
}

function headAlone(body: Record<string, unknown>): SignedRequestHead {
  const head = Object.assign(new SignedRequestHead(), pickPresent(body));
  const errors = validateSync(head, {
    stopAtFirstError: true,
    forbidUnknownValues: false,
    validationError: { target: false, value: false },
  });
  if (errors.length > 0) throw new AssistException(AssistErrorCode.INVALID_FIELD, describeValidationErrors(errors));
  return head;
}

function pickPresent(body: Record<string, unknown>): Partial<SignedRequestHead> {
  const out: Record<string, unknown> = {};
  // null counts as absent, as in the sign (SPEC: null fields are left out).
  for (const f of HEAD_FIELDS) if (body[f] !== undefined && body[f] !== null) out[f] = body[f];
  return out;
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}
