import { AssistErrorCode } from '../error-codes';

/** The relay's code (AssistErrorCode) to the number a generation's clients know for the same meaning. */
export type OuterCodes = (code: number) => number;

/** DaxPay 2.0.x (bootx CommonErrorCode 10001–10100): the relay's numbers are theirs. */
export const codes20: OuterCodes = (code) => code;

/**
 * bootx 3.0's CommonErrorCode (10000–19999), which the multi-merchant line and
 * 3.0 raise: the common codes moved to 10500, 10505, 10506, 10507; the
 * payment codes (20000, 20023, 20052 …) stayed (docs/daxpay-dialects.md, "The picks").
 */
const COMMON_30: Readonly<Record<number, number>> = {
  [AssistErrorCode.INTERNAL]: 10500,
  [AssistErrorCode.BAD_JSON]: 10505,
  [AssistErrorCode.INVALID_FIELD]: 10506,
  [AssistErrorCode.REPLAYED]: 10507,
};

export const codes30: OuterCodes = (code) => COMMON_30[code] ?? code;
