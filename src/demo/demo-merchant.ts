import { MerchantInput } from '../merchants/merchant';
import { SimulatedApp } from '../simulator/wechat-simulator';

/**
 * The demo's merchant and WeChat app: public values for a local try-out,
 * never shipped in the package (the demo folder is left out of `files`).
 */
export const DEMO_WECHAT_APP: SimulatedApp = {
  appId: 'wx0demo0unipay0001',
  appSecret: 'demo-wechat-app-secret-not-real',
};

export const DEMO_MERCHANT: MerchantInput = {
  mchNo: 'M1000000001',
  appId: 'A1000000001',
  wechat: DEMO_WECHAT_APP,
  signType: 'HMAC_SHA256',
  signSecret: '123456',
  reqTimeout: 300,
  redirectHosts: ['localhost:*', '127.0.0.1:*', '[::1]:*'],
};
