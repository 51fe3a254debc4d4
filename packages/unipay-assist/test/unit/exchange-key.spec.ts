import { createHash } from 'node:crypto';
import { exchangeKey, exchangeScope, openExchange, sealExchange } from '../../src/exchange/exchange-key';
import { sealingKey } from '../../src/kernel/seal';

const CODE = '061Xy0ll2Qq1Fh4qGxml2Z0Tdl1Xy0lX';
const M1 = exchangeScope({ mchNo: 'M1', appId: 'A1' }, 'direct');
const VALUE = { openId: 'oOPENID123', accessToken: 'ACCESS_TOKEN_SECRET_VALUE', expiresAt: 1_900_000_000_000 };

describe('exchange key and sealed cache values', () => {
  it('the key is the WeChat appId, a digest of the scope and the SHA-256 of the code, never the code', () => {
    const key = exchangeKey('wx0demo0unipay0001', CODE, M1);
    expect(key).toMatch(
      new RegExp(`^wx0demo0unipay0001:[\\w-]{22}:${createHash('sha256').update(CODE).digest('hex')}$`),
    );
    expect(key).not.toContain(CODE);
    expect(exchangeKey('wx0other', CODE, M1)).not.toBe(key);
  });

  it('another merchant on the same app, or another use by the same merchant, is another key, and a value sealed for one does not open for the other', () => {
    const k = sealingKey('wx0demo0unipay0001', 'app-secret');
    const key = exchangeKey('wx0demo0unipay0001', CODE, M1);
    const others = [
      exchangeScope({ mchNo: 'M2', appId: 'A1' }, 'direct'),
      exchangeScope({ mchNo: 'M1', appId: 'A2' }, 'direct'),
      exchangeScope({ mchNo: 'M1', appId: 'A1' }, 'flow:abc'),
    ].map((scope) => exchangeKey('wx0demo0unipay0001', CODE, scope));
    expect(new Set([key, ...others]).size).toBe(4);
    const sealed = sealExchange(VALUE, k, key);
    for (const other of others) expect(openExchange(sealed, k, other)).toBeUndefined();
  });

  it('seals with AES-GCM: round-trips, and neither token nor openId shows in the sealed text', () => {
    const k = sealingKey('wx0demo0unipay0001', 'app-secret');
    const key = exchangeKey('wx0demo0unipay0001', CODE, M1);
    const sealed = sealExchange(VALUE, k, key);
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain(VALUE.accessToken);
    expect(sealed).not.toContain(VALUE.openId);
    expect(openExchange(sealed, k, key)).toEqual(VALUE);
    // Fresh IV per seal.
    expect(sealExchange(VALUE, k, key)).not.toBe(sealed);
  });

  it('does not open under another AppSecret, another cache key, or after tampering', () => {
    const key = exchangeKey('wx0demo0unipay0001', CODE, M1);
    const sealed = sealExchange(VALUE, sealingKey('wx0demo0unipay0001', 'app-secret'), key);
    expect(openExchange(sealed, sealingKey('wx0demo0unipay0001', 'rotated-secret'), key)).toBeUndefined();
    expect(
      openExchange(
        sealed,
        sealingKey('wx0demo0unipay0001', 'app-secret'),
        exchangeKey('wx0demo0unipay0001', 'other', M1),
      ),
    ).toBeUndefined();
    const parts = sealed.split('.');
    const body = Buffer.from(parts[2], 'base64url');
    body[0] ^= 1;
    const tampered = [parts[0], parts[1], body.toString('base64url'), parts[3]].join('.');
    expect(openExchange(tampered, sealingKey('wx0demo0unipay0001', 'app-secret'), key)).toBeUndefined();
    expect(openExchange('{"openId":"x"}', sealingKey('wx0demo0unipay0001', 'app-secret'), key)).toBeUndefined();
  });
});
