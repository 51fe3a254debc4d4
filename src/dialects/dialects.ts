import { daxpay206Dialect } from './daxpay-2-0-6.dialect';
import { daxpay30Dialect } from './daxpay-3-0.dialect';
import { DEFAULT_DIALECT, DialectName, WireDialect } from './wire-dialect';

/**
 * Every generation's wire. Generations not written yet answer as the seed's
 * (2.0.6) until their own module lands.
 */
const DIALECTS: Readonly<Record<DialectName, WireDialect>> = {
  'daxpay-2.0.0': daxpay206Dialect,
  'daxpay-2.0.1': daxpay206Dialect,
  'daxpay-2.0.6': daxpay206Dialect,
  'daxpay-multi': daxpay206Dialect,
  'daxpay-3.0': daxpay30Dialect,
};

export function dialectFor(name: DialectName | undefined): WireDialect {
  return DIALECTS[name ?? DEFAULT_DIALECT];
}
