import { validateSync } from 'class-validator';
import { AssistException } from '../../kernel/assist.exception';
import { AssistErrorCode } from '@unipay-assist/wire';
import { describeValidationErrors } from '../assist-validation.pipe';
import { SignedRequestHead } from '../dto/assist-request.dto';
import { reqTimeSeconds } from '../dto/req-time-value';

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
 * The head fields checked by the DTO's own rules (SignedRequestHead), before
 * the guard uses them to pick a merchant and verify a sign. Only those four
 * fields are copied, so nothing else of the body is looked at yet.
 */
export function readRequestHead(body: Record<string, unknown>): RequestHead {
  const head = Object.assign(new SignedRequestHead(), pickPresent(body));
  const errors = validateSync(head, {
    stopAtFirstError: true,
    forbidUnknownValues: false,
    validationError: { target: false, value: false },
  });
  if (errors.length > 0) throw new AssistException(AssistErrorCode.INVALID_FIELD, describeValidationErrors(errors));
  const reqTimeText = typeof head.reqTime === 'string' && !/^\d+$/.test(head.reqTime) ? head.reqTime : undefined;
  return {
    mchNo: emptyToUndefined(head.mchNo),
    appId: emptyToUndefined(head.appId),
    reqTime: reqTimeSeconds(head.reqTime) as number,
    ...(reqTimeText !== undefined && { reqTimeText }),
    sign: emptyToUndefined(head.sign),
  };
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
