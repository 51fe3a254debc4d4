import { normalizeMerchants } from '../../src/merchants/normalize-merchant';
import { StaticMerchantProvider } from '../../src/merchants/static-merchant.provider';

const m = (mchNo: string, appId?: string, extra: Record<string, unknown> = {}) => ({
  mchNo,
  appId,
  wechat: { appId: `wx${mchNo}${appId ?? ''}`, appSecret: 's' },
  signSecret: 'k',
  ...extra,
});

describe('StaticMerchantProvider', () => {
  const provider = new StaticMerchantProvider(
    normalizeMerchants([m('M1', 'A1'), m('M1', 'A2'), m('M2'), m('M3', 'A3', { default: true })]),
  );
  const find = (q: { mchNo?: string; appId?: string }) => {
    const found = provider.findMerchant(q);
    return found ? `${found.mchNo}/${found.appId ?? '-'}` : undefined;
  };

  it('uses the merchant marked default when the request names none', () => {
    expect(find({})).toBe('M3/A3');
  });

  it('falls back to the first merchant when none is marked default', () => {
    const p = new StaticMerchantProvider(normalizeMerchants([m('F1'), m('F2')]));
    expect(p.findMerchant({})?.mchNo).toBe('F1');
  });

  it('finds by mchNo (the first of that mchNo)', () => {
    expect(find({ mchNo: 'M1' })).toBe('M1/A1');
    expect(find({ mchNo: 'M2' })).toBe('M2/-');
  });

  it('finds by appId alone', () => {
    expect(find({ appId: 'A2' })).toBe('M1/A2');
    expect(find({ appId: 'A3' })).toBe('M3/A3');
  });

  it('finds by the (mchNo, appId) pair', () => {
    expect(find({ mchNo: 'M1', appId: 'A2' })).toBe('M1/A2');
    expect(find({ mchNo: 'M1', appId: 'A1' })).toBe('M1/A1');
  });

  it('a merchant without an appId answers for any appId under its mchNo', () => {
    expect(find({ mchNo: 'M2', appId: 'ANY' })).toBe('M2/-');
  });

  it('refuses a pair that does not belong together', () => {
    expect(find({ mchNo: 'M1', appId: 'A3' })).toBeUndefined();
    expect(find({ mchNo: 'M3', appId: 'A1' })).toBeUndefined();
  });

  it('refuses unknown names, never falling back to the default', () => {
    expect(find({ mchNo: 'NOPE' })).toBeUndefined();
    expect(find({ appId: 'NOPE' })).toBeUndefined();
  });

  it('is case-sensitive, as DaxPay merchant numbers are', () => {
    expect(find({ mchNo: 'm1' })).toBeUndefined();
  });
});
