import { Merchant, MerchantQuery } from './merchant';

/**
 * Where merchants come from. The default reads the module options (from
 * ConfigService); a host may provide its own class to read its database.
 * The interface and its injection token share a name, as ThrottlerStorage does.
 */
export interface MerchantProvider {
  /** The merchant a request names, or undefined when there is none. */
  findMerchant(query: MerchantQuery): Promise<Merchant | undefined> | Merchant | undefined;
}

export const MerchantProvider = Symbol('MerchantProvider');
