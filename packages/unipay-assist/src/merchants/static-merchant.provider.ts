import { Merchant, MerchantQuery } from './merchant';
import { MerchantProvider } from './merchant.provider';

/** In-memory merchants, indexed once; the default when the host supplies none. */
export class StaticMerchantProvider implements MerchantProvider {
  private readonly byMchNo = new Map<string, Merchant>();
  private readonly byAppId = new Map<string, Merchant>();
  private readonly byPair = new Map<string, Merchant>();
  private readonly fallback: Merchant;

  constructor(readonly merchants: readonly Merchant[]) {
    for (const m of merchants) {
      if (!this.byMchNo.has(m.mchNo)) this.byMchNo.set(m.mchNo, m);
      if (m.appId !== undefined) {
        if (!this.byAppId.has(m.appId)) this.byAppId.set(m.appId, m);
        this.byPair.set(pairKey(m.mchNo, m.appId), m);
      }
    }
    this.fallback = merchants.find((m) => m.default) ?? merchants[0];
  }

  findMerchant({ mchNo, appId }: MerchantQuery): Merchant | undefined {
    if (mchNo && appId) return this.byPair.get(pairKey(mchNo, appId)) ?? this.matchMchNoWithoutApp(mchNo, appId);
    if (mchNo) return this.byMchNo.get(mchNo);
    if (appId) return this.byAppId.get(appId);
    return this.fallback;
  }

  // A merchant configured without an appId answers for any appId under its mchNo.
  private matchMchNoWithoutApp(mchNo: string, _appId: string): Merchant | undefined {
    const m = this.byMchNo.get(mchNo);
    return m && m.appId === undefined ? m : undefined;
  }
}

function pairKey(mchNo: string, appId: string): string {
  return `${mchNo}\u0000${appId}`;
}
