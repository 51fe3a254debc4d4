import { KeyObject } from 'node:crypto';
import { AuthFlow } from '../../channel-auth/auth-flow';
import { PAGES } from '../../channel-auth/auth-pages';
import { openReturnUrl } from '../../daxpay-open/open-return-url';
import { BrowserOutcome, page } from './browser-outcome';

/**
 * Where a finished flow sends the payer: back to the merchant (jump:
 * queryCode and extParam only; DaxPay Open's get-openid: the result signed
 * with `platformKey`), or a page saying how it ended.
 */
export function finishedOutcome(
  queryCode: string,
  flow: AuthFlow,
  platformKey: KeyObject | null | undefined,
): BrowserOutcome {
  if (flow.mode === 'open' && flow.redirectUrl && platformKey) {
    return { kind: 'redirect', url: openReturnUrl(flow, platformKey) };
  }
  if (flow.mode === 'redirect' && flow.redirectUrl) {
    const back = new URL(flow.redirectUrl);
    back.searchParams.set('queryCode', queryCode);
    if (flow.extParam !== undefined) back.searchParams.set('extParam', flow.extParam);
    return { kind: 'redirect', url: back.toString() };
  }
  if (flow.status === 'success') return page(PAGES.done());
  if (flow.closed) return page(PAGES.closed());
  return page(PAGES.failed(flow.failure ?? 'authorization failed'));
}
