import { andThen, MaybePromise } from '../../kernel/maybe-promise';
import { AssistException } from '../../kernel/assist.exception';
import { AssistErrorCode } from '@unipay-assist/wire';
import { Merchant } from '../../merchants/merchant';
import { MerchantProvider } from '../../merchants/merchant.provider';

/** The merchant a request names (mchNo/appId), or the default one; 20023 when none matches. */
export function resolveMerchant(merchants: MerchantProvider, mchNo?: string, appId?: string): MaybePromise<Merchant> {
  return andThen(merchants.findMerchant({ mchNo, appId }), (merchant) => {
    if (!merchant) {
      throw new AssistException(
        AssistErrorCode.UNKNOWN_MERCHANT,
        mchNo || appId ? 'unknown merchant: no merchant matches mchNo/appId' : 'no default merchant is configured',
      );
    }
    return merchant;
  });
}
