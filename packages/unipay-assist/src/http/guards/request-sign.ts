import { AssistErrorCode, describeBadSign, Detection, dialectFor, DialectName } from '@unipay-assist/wire';
import { AssistException } from '../../kernel/assist.exception';
import { SecretMerchant } from '../../merchants/merchant';

/** The generation whose sign string verified, and which of the merchant's secrets did. */
export interface VerifiedSign {
  dialect: DialectName;
  secretIndex: number;
}

/**
 * Verifies the sign over each candidate generation's fields, in order, with
 * the merchant's own secrets only, and stops at the first that verifies: one
 * request is accepted once, as one generation. None verifying is 20052, whose
 * message names the sign string expected (generation and field names) and
 * another generation or sign type that would have verified, if one does.
 */
export function verifyRequestSign(
  body: Record<string, unknown>,
  dtoFields: ReadonlySet<string>,
  merchant: SecretMerchant,
  detection: Detection,
): VerifiedSign {
  for (const name of detection.candidates) {
    const dialect = dialectFor(name);
    const fields = dialect.signedFields(body, dtoFields);
    // Contract fields are strings or numbers; rendering a 10 000-level array for the sign would overflow the stack.
    const nested = Object.keys(fields).find((k) => typeof fields[k] === 'object' && fields[k] !== null);
    if (nested !== undefined)
      throw AssistException.invalidField(nested, 'must be a string or a number, not an object or array');
    const secretIndex = dialect.verify(fields, merchant.signType, merchant.signSecrets);
    if (secretIndex >= 0) return { dialect: name, secretIndex };
  }
  throw new AssistException(
    AssistErrorCode.BAD_SIGN,
    describeBadSign({
      body,
      dtoFields,
      tried: detection.candidates,
      refused: detection.refused,
      named: detection.named,
      marker: detection.marker,
      pinned: merchant.dialects,
      signType: merchant.signType,
      secrets: merchant.signSecrets,
    }),
  );
}
