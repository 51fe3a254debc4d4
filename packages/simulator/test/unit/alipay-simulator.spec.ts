import { AlipaySimulator, signContent } from '../../src/alipay-simulator';

describe('the Alipay simulator, without HTTP', () => {
  it("builds Alipay's request sign string: sorted, sign and empty values left out, values as sent", () => {
    const params = new Map([
      ['timestamp', '2026-01-01 10:00:00'],
      ['sign', 'SIG'],
      ['app_id', '2021'],
      ['method', 'alipay.system.oauth.token'],
      ['code', 'a+b/c='],
      ['empty', ''],
      ['sign_type', 'RSA2'],
      ['grant_type', 'authorization_code'],
    ]);
    expect(signContent(params)).toBe(
      'app_id=2021&code=a+b/c=&grant_type=authorization_code&method=alipay.system.oauth.token&sign_type=RSA2&timestamp=2026-01-01 10:00:00',
    );
  });

  it('gives a 2088 user id per user (the same in every app) and an open_id per (app, user)', () => {
    expect(AlipaySimulator.userIdFor('alice')).toMatch(/^2088\d{12}$/);
    expect(AlipaySimulator.userIdFor('alice')).toBe(AlipaySimulator.userIdFor('alice'));
    expect(AlipaySimulator.userIdFor('alice')).not.toBe(AlipaySimulator.userIdFor('bob'));
    expect(AlipaySimulator.openIdFor('A', 'alice')).toMatch(/^0[A-Za-z0-9]{46}$/);
    expect(AlipaySimulator.openIdFor('A', 'alice')).toBe(AlipaySimulator.openIdFor('A', 'alice'));
    expect(AlipaySimulator.openIdFor('A', 'alice')).not.toBe(AlipaySimulator.openIdFor('B', 'alice'));
  });

  it('hands out the app private key it made, verifies with the public half, and keeps a brought key private', async () => {
    const made = await AlipaySimulator.create({ apps: [{ appId: 'A' }] });
    const keys = made.appKeys('A');
    expect(keys.appPrivateKey).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(keys.appPublicKey).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(keys.alipayPublicKey).toBe(made.alipayPublicKey);
    expect(keys.alipayPublicKey).not.toBe(keys.appPublicKey);
    const brought = await AlipaySimulator.create({
      apps: [{ appId: 'B', appPublicKey: keys.appPublicKey }],
      alipayKeyPair: { privateKey: keys.appPrivateKey ?? '', publicKey: keys.appPublicKey },
    });
    expect(brought.appKeys('B').appPrivateKey).toBeUndefined();
    expect(() => brought.appKeys('nope')).toThrow(/no app nope/);
  });

  it('auth codes are single use and report their state', async () => {
    const sim = await AlipaySimulator.create({ apps: [{ appId: 'A' }] });
    const code = sim.issueAuthCode('A', 'alice');
    expect(sim.codeState(code)).toBe('unused');
    expect(sim.codeState('nope')).toBe('unknown');
    expect(sim.authorizations).toBe(1);
  });
});
