import { AssistException } from '../../kernel/assist.exception';
import { AssistErrorCode } from '@unipay-assist/wire';
import { SecretMerchant } from '../../merchants/merchant';
import { WireDialect } from '@unipay-assist/wire';

/**
 * Verifies the sign over `fields`, the merchant's generation's way, with any
 * of the merchant's secrets, and returns the index of the one that verified
 * (the answer is signed with it).
 */
export function verifyRequestSign(fields: Record<string, unknown>, merchant: SecretMerchant, dialect: WireDialect): number {
  // Contract fields are strings or numbers; rendering a 10 000-level array for the sign would overflow the stack.
  const nested = Object.keys(fields).find((k) => typeof fields[k] === 'object' && fields[k] !== null);
  if (nested !== undefined) throw AssistException.invalidField(nested, 'must be a string or a number, not an object or array');
  const index = dialect.verify(fields, merchant.signType, merchant.signSecrets);
  if (index < 0) throw new AssistException(AssistErrorCode.BAD_SIGN, `signature verification failed (${merchant.signType})`);
  return index;
}
