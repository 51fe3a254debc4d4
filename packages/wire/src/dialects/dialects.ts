import { daxpay200Dialect } from './daxpay-2-0-0.dialect';
import { daxpay201Dialect } from './daxpay-2-0-1.dialect';
import { daxpay206Dialect } from './daxpay-2-0-6.dialect';
import { daxpay30Dialect } from './daxpay-3-0.dialect';
import { daxpayMultiLateDialect } from './daxpay-multi-late.dialect';
import { daxpayMultiDialect } from './daxpay-multi.dialect';
import {
  DEFAULT_DIALECT,
  DialectName,
  FailureContext,
  OPEN_DIALECT,
  SecretDialectName,
  WireAnswer,
  WireDialect,
} from './wire-dialect';

/** Every generation's wire (docs/daxpay-dialects.md). */
const DIALECTS: Readonly<Record<SecretDialectName, WireDialect>> = {
  'daxpay-2.0.0': daxpay200Dialect,
  'daxpay-2.0.1': daxpay201Dialect,
  'daxpay-2.0.6': daxpay206Dialect,
  'daxpay-multi': daxpayMultiDialect,
  'daxpay-multi-late': daxpayMultiLateDialect,
  'daxpay-3.0': daxpay30Dialect,
};

/**
 * The generation's wire. A `daxpay-open` merchant never reaches the secret
 * routes (the SignatureGuard turns it away before it is trusted), so asking
 * for it here means "nobody verified yet": the default generation's unsigned failure.
 */
export function dialectFor(name: DialectName | undefined): WireDialect {
  return DIALECTS[name === undefined || name === OPEN_DIALECT ? DEFAULT_DIALECT : name];
}

/** The number `dialect`'s clients know for the relay's `code`. */
export function outerCodeFor(dialect: WireDialect, code: number): number {
  return dialect.outerCode ? dialect.outerCode(code) : code;
}

/** A failure answered the generation's way (`data` null; signed only where the generation signs failures and the sign verified). */
export function failureAnswer(dialect: WireDialect, code: number, msg: string, context: FailureContext): WireAnswer {
  if (dialect.failure) return dialect.failure(code, msg, context);
  return { code: outerCodeFor(dialect, code), msg, data: null, traceId: context.traceId };
}
