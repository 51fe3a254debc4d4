import { AssistErrorCode } from '../error-codes';

/**
 * DaxPay Open's numbers (its CommonErrorCode and DaxPayErrorCode; the table is
 * in docs/daxpay-open.md): the ones only an Open merchant meets, and the
 * relay's codes translated for its clients.
 */
export const OpenCode = {
  SUCCESS: 0,
  /** CommonCode.FAIL_CODE: a disabled merchant, a failed get-openid return. */
  FAIL: 1,
  NONCE_MISSING: 10408,
  NONCE_REUSED: 10409,
  REQ_TIME_OUTSIDE: 10410,
  SYSTEM_ERROR: 10500,
  PARSE_ERROR: 10505,
  VALIDATION_FAILED: 10506,
  REPEATED_OPERATION: 10507,
  CONFIG_NOT_ENABLE: 20023,
  VERIFY_SIGN_FAILED: 20052,
  /** OPERATION_FAIL: an expired auth session, a failed authorization. */
  OPERATION_FAIL: 20080,
} as const;

/** bootx 3.0's common numbers, which DaxPay Open kept; the payment codes (20023, 20052 …) and the relay's 29xxx stay as they are. */
const FROM_RELAY: Readonly<Record<number, number>> = {
  [AssistErrorCode.INTERNAL]: OpenCode.SYSTEM_ERROR,
  [AssistErrorCode.BAD_JSON]: OpenCode.PARSE_ERROR,
  [AssistErrorCode.INVALID_FIELD]: OpenCode.VALIDATION_FAILED,
  [AssistErrorCode.REPLAYED]: OpenCode.REPEATED_OPERATION,
  [AssistErrorCode.BUSINESS_FAILED]: OpenCode.OPERATION_FAIL,
  [AssistErrorCode.QUERY_CODE_UNKNOWN]: OpenCode.OPERATION_FAIL,
};

/** The number a DaxPay Open client knows for one of the relay's codes. */
export function openCodeOf(relayCode: number): number {
  return FROM_RELAY[relayCode] ?? relayCode;
}
