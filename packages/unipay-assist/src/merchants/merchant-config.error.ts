/** A configuration mistake, naming the merchant and the field but never a secret's value. */
export class MerchantConfigError extends Error {
  constructor(
    readonly merchant: string,
    readonly field: string,
    reason: string,
  ) {
    super(`unipay-assist merchant ${merchant}: ${field} ${reason}`);
    this.name = 'MerchantConfigError';
  }
}
