import { MerchantInput } from 'unipay-assist';
import { SimulatedMiniProgram } from '@unipay-assist/simulator';
import { SimulatedApp } from '@unipay-assist/simulator';

/**
 * The demo's merchant and WeChat app: public values for a local try-out,
 * never shipped in the package (the demo folder is left out of `files`).
 */
export const DEMO_WECHAT_APP: SimulatedApp = {
  appId: 'wx0demo0unipay0001',
  appSecret: 'demo-wechat-app-secret-not-real',
};

/** The demo merchant's mini program, served by the WeChat simulator's jscode2session. */
export const DEMO_MINI_PROGRAM: SimulatedMiniProgram = {
  appId: 'wx0demo0mini00001',
  appSecret: 'demo-mini-program-secret-not-real',
};

/**
 * The demo merchant's Alipay app id. Its keys are made by the Alipay
 * simulator at start and handed over in memory (DemoModuleOptions.alipay).
 */
export const DEMO_ALIPAY_APP_ID = '2021000000000001';

/**
 * The demo merchant has no `dialect`: every DaxPay generation's client is
 * answered as the generation its wire names (docs/troubleshooting.md, "Try
 * your own DaxPay SDK").
 */
export const DEMO_MERCHANT: MerchantInput = {
  mchNo: 'M1000000001',
  appId: 'A1000000001',
  wechat: DEMO_WECHAT_APP,
  miniProgram: DEMO_MINI_PROGRAM,
  signType: 'HMAC_SHA256',
  signSecret: '123456',
  reqTimeout: 300,
  redirectHosts: ['localhost:*', '127.0.0.1:*', '[::1]:*'],
};

/**
 * The late multi-merchant SDK (up to 3.0.1.beta1) sends what the early one
 * sends, and only its answer differs: the wire cannot tell them apart, so
 * configuration does. This second demo merchant is configured for it.
 */
export const DEMO_MULTI_LATE_MERCHANT: MerchantInput = {
  ...DEMO_MERCHANT,
  mchNo: 'M1000000002',
  appId: 'A1000000002',
  dialect: 'daxpay-multi-late',
};
