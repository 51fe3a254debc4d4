import { Merchant } from '../../merchants/merchant';

/**
 * No DaxPay 2.0 SDK has a model for the channel-auth routes, so a 2.0.6
 * client checks data.sign over whatever data carries (SPEC's rule) and
 * fields beyond DaxPay's travel signed. 3.0 reads data into its typed
 * AuthResult and would drop them (its dialect does), and the other
 * generations' answers are their dialects' own: none of them get extras.
 */
const EXTRA_FIELD_DIALECTS: ReadonlySet<string> = new Set(['daxpay-2.0.6']);

/** Whether the merchant's answers carry fields beyond DaxPay's (wxAppId, unionId, snapshotUser, the WeChat profile). */
export function carriesExtras(merchant: Merchant): boolean {
  return EXTRA_FIELD_DIALECTS.has(merchant.dialect);
}
