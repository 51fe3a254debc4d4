/**
 * Alipay's refusals (`sub_code`, with the gateway's `code`) and the clear
 * reason a merchant sees. Pure, so the client SDK can reuse it. Alipay's own
 * `sub_msg` is never passed on: for `isv.invalid-signature` it quotes the
 * string the gateway signed, which holds the request's parameters (the auth
 * code among them).
 */
export const ALIPAY_SUB_CODE_REASONS: Readonly<Record<string, string>> = {
  'isv.code-invalid': 'the Alipay auth code is invalid, expired or already used',
  'isv.grant-type-invalid': 'the grant_type sent to Alipay is invalid',
  'isv.missing-app-id': 'the Alipay app id is missing',
  'isv.invalid-app-id': 'the Alipay app id is invalid (unknown to Alipay or not online)',
  'isv.missing-signature': 'the request to Alipay carried no signature',
  'isv.missing-signature-type': 'the request to Alipay carried no sign_type',
  'isv.invalid-signature-type': 'Alipay does not accept the sign_type sent (RSA2 is expected)',
  'isv.missing-signature-key': 'no app public key is set up on Alipay for this app',
  'isv.invalid-signature':
    'Alipay could not verify the request signature: the app private key does not match the app public key uploaded to Alipay',
  'isv.invalid-timestamp': 'Alipay refused the request timestamp (check the gateway clock)',
  'isv.missing-timestamp': 'the request to Alipay carried no timestamp',
  'isv.invalid-method': 'Alipay does not know the API method called',
  'isv.invalid-charset': 'Alipay refused the request charset',
  'isv.invalid-parameter': 'Alipay refused a request parameter',
  'isv.insufficient-isv-permissions':
    'the Alipay app has no permission for this API (is the auth product signed and the app online?)',
  'isv.insufficient-user-permissions': 'the payer has not authorised this app for this scope',
  'aop.invalid-auth-token': 'the Alipay access token is invalid',
  'aop.auth-token-time-out': 'the Alipay access token has expired',
  'isp.unknow-error': 'Alipay is unavailable, try again later',
  'aop.unknow-error': 'the Alipay gateway is unavailable, try again later',
};

/** Sub codes that say the auth code itself is bad: never retried, never cached as a success. */
export const ALIPAY_CODE_SUB_CODES: ReadonlySet<string> = new Set(['isv.code-invalid']);

/** Alipay's "service unavailable" (code 20000): Alipay's own advice is to retry later. */
export const ALIPAY_BUSY_SUB_CODES: ReadonlySet<string> = new Set(['isp.unknow-error', 'aop.unknow-error']);

/** `reason (Alipay sub_code, code N)`; an unknown sub code still carries itself. */
export function describeAlipayError(code: string, subCode: string): string {
  const reason = ALIPAY_SUB_CODE_REASONS[subCode] ?? 'Alipay refused the request';
  const codePart = code ? `, code ${code}` : '';
  return `${reason} (Alipay ${subCode || 'no sub_code'}${codePart})`;
}
