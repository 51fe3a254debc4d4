import { AlipayOAuthClient } from '../alipay/alipay-oauth.client';
import { loadAlipaySdk } from '../alipay/alipay-sdk.loader';
import { AlipayApp } from '../merchants/merchant-channels';
import { DOCTOR_PROBE_CODE, ProbeOutcome } from './wechat-probe';

/**
 * Exchanges the deliberately invalid probe code with the app's keys. Alipay
 * checks the app id and the request's RSA2 signature before the code, and
 * signs its refusal with its own key: `isv.code-invalid` in an answer that
 * verifies means app id, app private key (it matches the public key uploaded
 * to Alipay) and Alipay's public key are all right.
 */
export async function probeAlipayApp(gateway: string, app: AlipayApp, timeoutMs: number): Promise<ProbeOutcome> {
  let sdk;
  try {
    sdk = await loadAlipaySdk('alipay');
  } catch (err) {
    return { status: 'fail', detail: err instanceof Error ? err.message : 'alipay-sdk cannot be loaded' };
  }
  const client = new AlipayOAuthClient(
    { appId: app.appId, appPrivateKey: app.appPrivateKeyPem, alipayPublicKey: app.alipayPublicKeyPem },
    { gateway, timeoutMs },
    sdk,
  );
  const result = await client.exchangeCode(DOCTOR_PROBE_CODE);
  if (result.ok)
    return {
      status: 'fail',
      detail: 'Alipay accepted the probe code, which must never happen: is the gateway really Alipay?',
    };
  if ('kind' in result) {
    if (result.kind === 'bad-signature') {
      return {
        status: 'fail',
        detail: `Alipay's answer does not verify with alipayPublicKey: it is not Alipay's public key for app ${app.appId}`,
      };
    }
    return { status: 'fail', detail: `Alipay ${result.kind}: ${result.reason}` };
  }
  switch (result.subCode) {
    case 'isv.code-invalid':
      return {
        status: 'ok',
        detail: `app ${app.appId}, its private key and Alipay's public key accepted (isv.code-invalid for the probe code)`,
      };
    case 'isv.invalid-signature':
      return {
        status: 'fail',
        detail: `the app private key does not match the app public key uploaded to Alipay for ${app.appId} (isv.invalid-signature)`,
      };
    case 'isv.invalid-app-id':
      return {
        status: 'fail',
        detail: `Alipay does not know app ${app.appId}, or it is not online (isv.invalid-app-id)`,
      };
    default:
      return {
        status: 'warn',
        detail: `unexpected Alipay answer for the probe code: ${result.subCode} (${result.code})`,
      };
  }
}
