import { normalizeMerchant } from '../../src/merchants/normalize-merchant';

const RAW = { mchNo: 'M1', wechat: { appId: 'wx0profile', appSecret: 's' }, signSecret: 'k' };

describe('merchant option wechatProfile', () => {
  it('is absent unless true, and refuses anything but a boolean', () => {
    expect(normalizeMerchant(RAW, 0)).not.toHaveProperty('wechatProfile');
    expect(normalizeMerchant({ ...RAW, wechatProfile: false }, 0)).not.toHaveProperty('wechatProfile');
    expect(normalizeMerchant({ ...RAW, wechatProfile: true }, 0).wechatProfile).toBe(true);
    expect(() => normalizeMerchant({ ...RAW, wechatProfile: 'yes' }, 0)).toThrow(/wechatProfile/);
  });
});
