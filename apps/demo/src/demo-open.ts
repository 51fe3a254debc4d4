import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MerchantInput } from 'unipay-assist';
import { DEMO_WECHAT_APP } from './demo-merchant';

/** The demo's DaxPay Open merchant, keyed at start (its public key is added then). */
export const DEMO_OPEN_MERCHANT: MerchantInput = {
  mchNo: 'M4000000001',
  appId: 'A4000000001',
  wechat: DEMO_WECHAT_APP,
  dialect: 'daxpay-open',
  signType: 'RSA',
  redirectHosts: ['localhost:*', '127.0.0.1:*', '[::1]:*'],
};

/** What the gateway keeps in memory, and where the merchant's side was written. */
export interface DemoOpenKeys {
  merchantPublicKey: string;
  platformPrivateKey: string;
  merchantPrivateKeyFile: string;
  platformPublicKeyFile: string;
}

/**
 * Fresh RSA-2048 pairs for the demo's Open merchant and for the platform,
 * made at every start (nothing to ship, nothing to leak): the gateway keeps
 * the merchant's public key and the platform's private key in memory; the
 * merchant's private key and the platform's public key, what a DaxPay Open
 * client needs, are written to `dir` (private key 0600).
 */
export function makeDemoOpenKeys(dir: string): DemoOpenKeys {
  const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const merchantPrivateKeyFile = join(dir, 'open-merchant-private-key.pem');
  const platformPublicKeyFile = join(dir, 'platform-public-key.pem');
  writeFileSync(merchantPrivateKeyFile, merchant.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  writeFileSync(platformPublicKeyFile, platform.publicKey.export({ format: 'pem', type: 'spki' }));
  return {
    merchantPublicKey: merchant.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    platformPrivateKey: platform.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    merchantPrivateKeyFile,
    platformPublicKeyFile,
  };
}
