import type { AssistRequestContext } from '../kernel/request-context';
import type { Merchant } from './merchant';

/**
 * The merchant the SignatureGuard verified for this request. A signed route
 * reached without the guard is a wiring mistake, not a caller's: it throws a
 * plain Error, which the envelope filter answers as an internal error (10001).
 */
export function trustedMerchant(ctx: AssistRequestContext): Merchant {
  if (!ctx.merchant) throw new Error('signed route reached without the SignatureGuard');
  return ctx.merchant;
}

/**
 * The verified merchant with `dialect` the generation answering this request
 * (detected from the wire, docs/daxpay-detection.md), for a business whose
 * answer's fields depend on the generation (channel auth's extra fields).
 */
export function answeringMerchant(ctx: AssistRequestContext): Merchant {
  const merchant = trustedMerchant(ctx);
  return ctx.dialect === undefined || ctx.dialect === merchant.dialect
    ? merchant
    : { ...merchant, dialect: ctx.dialect };
}
