import { randomBytes } from 'node:crypto';
import { DEMO_ALIPAY_APP_ID, DEMO_MINI_PROGRAM, DEMO_WECHAT_APP } from '../../../../apps/demo/src/demo-merchant';
import { withSign } from '../../../wire/src/signing/signature';
import { RunningAlipaySimulator, startAlipaySimulator } from '../../../simulator/src/alipay-simulator.server';
import { AlipaySimulator } from '../../../simulator/src/alipay-simulator';
import { RunningSimulator, startSimulatorServer } from '../../../simulator/src/simulator.server';
import { authCodeFrom } from '../../../../test/support/channels-gateway';
import { ADAPTERS, nowSeconds, post, RunningGateway, startGateway } from '../../../../test/support/gateway';
import { LogCapture } from '../../../../test/support/log-capture';

// Distinctive values, so a leak cannot hide behind a common substring.
const SIGN_SECRET = 'SIGNSECRET-ch4nn3ls9';
const MINI_SECRET = 'MINISECRET-q7v2m5x8';

describe.each(ADAPTERS)(
  'no key, code, token or session_key in the logs of the Alipay and mini program routes over %s',
  (adapter) => {
    let wechat: RunningSimulator;
    let alipay: RunningAlipaySimulator;
    let gw: RunningGateway;
    const logs = new LogCapture();
    const forbidden = new Set<string>([SIGN_SECRET, MINI_SECRET, 'PRIVATE KEY', 'session_key', 'authbseB', 'authusrB']);

    const body = (fields: Record<string, unknown>) => {
      const b = withSign(
        { reqTime: nowSeconds(), nonceStr: randomBytes(6).toString('hex'), ...fields },
        'HMAC_SHA256',
        SIGN_SECRET,
      );
      forbidden.add(b.sign);
      for (const k of ['code', 'authCode']) if (typeof fields[k] === 'string') forbidden.add(fields[k]);
      return b;
    };

    beforeAll(async () => {
      wechat = await startSimulatorServer({
        apps: [DEMO_WECHAT_APP],
        miniPrograms: [{ ...DEMO_MINI_PROGRAM, appSecret: MINI_SECRET }],
      });
      alipay = await startAlipaySimulator({ apps: [{ appId: DEMO_ALIPAY_APP_ID, ids: 'both' }] });
      const keys = alipay.appKeys(DEMO_ALIPAY_APP_ID);
      // Any 40-character run of the private key's base64 would be a leak.
      const b64 = (keys.appPrivateKey ?? '').replace(/-----[^-]+-----|\s+/g, '');
      for (let i = 0; i + 40 <= b64.length; i += 200) forbidden.add(b64.slice(i, i + 40));
      gw = await startGateway({
        adapter,
        wechatBase: wechat.baseUrl,
        logger: logs,
        override: {
          merchants: [
            {
              mchNo: 'MLOG00002',
              wechat: DEMO_WECHAT_APP,
              signSecret: SIGN_SECRET,
              redirectHosts: ['localhost:*'],
              miniProgram: { appId: DEMO_MINI_PROGRAM.appId, appSecret: MINI_SECRET },
              alipay: {
                appId: DEMO_ALIPAY_APP_ID,
                appPrivateKey: keys.appPrivateKey ?? '',
                alipayPublicKey: keys.alipayPublicKey,
              },
            },
          ],
          // Short enough for the timeout cases below, long enough that a success is not one on a loaded machine.
          wechat: { apiBase: wechat.baseUrl, openBase: wechat.baseUrl, timeoutMs: 2000 },
          alipay: { gateway: alipay.gateway, openAuthBase: alipay.openAuthBase, timeoutMs: 2000 },
          rateLimit: { ip: false, merchant: false },
        },
      });
      // Alipay: a full flow, the same code again, a refused code, a bad answer sign, a timeout.
      const url = await post(gw.baseUrl, 'getAlipayAuthUrl', body({ url: 'http://localhost:3000/cb' }));
      const authCode = await authCodeFrom(url.json.data.url);
      const ok = await post(gw.baseUrl, 'getAlipayUserId', body({ authCode }));
      expect(ok.json.data.code).toBe(0);
      forbidden.add(ok.json.data.userId).add(ok.json.data.openId);
      await post(gw.baseUrl, 'getAlipayUserId', body({ authCode }));
      expect((await post(gw.baseUrl, 'getAlipayUserId', body({ authCode: 'ALI-REFUSED-8k2p' }))).json.data.code).toBe(
        1,
      );
      alipay.simulator.alipayFaults.add([{ kind: 'bad-sign' }]);
      expect(
        (
          await post(
            gw.baseUrl,
            'getAlipayUserId',
            body({ authCode: alipay.simulator.issueAuthCode(DEMO_ALIPAY_APP_ID) }),
          )
        ).json.data,
      ).toBeNull();
      // Well past the timeout: urllib (undici) checks its timers every half second or so.
      alipay.simulator.faults.add([{ kind: 'latency', ms: 6000 }]);
      const slow = await post(
        gw.baseUrl,
        'getAlipayUserId',
        body({ authCode: alipay.simulator.issueAuthCode(DEMO_ALIPAY_APP_ID) }),
      );
      expect(slow.json.data).toBeNull();
      // Mini program: a login, the same code again, 40029, a timeout.
      const loginCode = wechat.miniProgram.issueLoginCode(DEMO_MINI_PROGRAM.appId, 'log-payer');
      const mini = await post(gw.baseUrl, 'getWxMiniOpenId', body({ code: loginCode }));
      expect(mini.json.data.code).toBe(0);
      forbidden.add(mini.json.data.openId);
      await post(gw.baseUrl, 'getWxMiniOpenId', body({ code: loginCode }));
      expect((await post(gw.baseUrl, 'getWxMiniOpenId', body({ code: 'MINI-REFUSED-3j9q' }))).json.data.code).toBe(1);
      wechat.miniProgram.faults.add([{ kind: 'latency', ms: 5000 }]);
      expect(
        (
          await post(
            gw.baseUrl,
            'getWxMiniOpenId',
            body({ code: wechat.miniProgram.issueLoginCode(DEMO_MINI_PROGRAM.appId) }),
          )
        ).json.data,
      ).toBeNull();
    }, 120_000);
    afterAll(async () => {
      await gw?.close();
      await alipay?.close();
      await wechat?.close();
    });

    it('logged the flows (sanity)', () => {
      const text = logs.text();
      for (const event of ['alipay.exchanged', 'alipay.refused', 'wechat.mini.exchanged', 'wechat.mini.refused']) {
        expect([event, text.some((l) => l.includes(event))]).toEqual([event, true]);
      }
      expect(AlipaySimulator.userIdFor('demo-user')).toMatch(/^2088/);
    });

    it('has no key, secret, code, token, session_key, sign or unmasked id in any line', () => {
      const leaks: string[] = [];
      for (const line of logs.text())
        for (const value of forbidden) if (line.includes(value)) leaks.push(`${value} in: ${line}`);
      expect(leaks).toEqual([]);
      expect(forbidden.size).toBeGreaterThan(20);
    });
  },
);
