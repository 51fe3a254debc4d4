import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { DEMO_WECHAT_APP } from '../../../../apps/demo/src/demo-merchant';
import { RunningSimulator, startSimulatorServer } from '../../../simulator/src/simulator.server';
import { rsaPair } from '../../../../test/support/daxpay-open-reference';
import { ADAPTERS } from '../../../../test/support/gateway';
import {
  MERCHANT_KEY,
  OPEN_MERCHANT,
  OpenGateway,
  PLATFORM_KEY,
  startOpenGateway,
} from '../../../../test/support/open-gateway';
import { AssistEnvelopeError, AssistSignatureError, DaxPayOpenClient } from '../../src';

describe.each(ADAPTERS)('DaxPayOpenClient against the gateway (%s)', (adapter) => {
  let sim: RunningSimulator;
  let gw: OpenGateway;
  let client: DaxPayOpenClient;

  beforeAll(async () => {
    sim = await startSimulatorServer({ apps: [DEMO_WECHAT_APP] });
    gw = await startOpenGateway(adapter, sim.baseUrl);
    client = new DaxPayOpenClient({
      baseUrl: gw.baseUrl,
      mchNo: OPEN_MERCHANT.mchNo,
      appId: OPEN_MERCHANT.appId,
      privateKey: MERCHANT_KEY.privateKeyPem,
      platformPublicKey: PLATFORM_KEY.publicKeyPem,
    });
  });
  afterAll(async () => {
    await gw?.app.close();
    await sim?.close();
  });

  it('ping: verified, the gateway names the merchant and shows its sign string', async () => {
    const pong = await client.ping();
    expect(pong).toMatchObject({ mchNo: 'M2000000001', appId: 'A2000000001', appFromDefault: false });
    expect(pong.serverSignStr).toMatch(/^appId=A2000000001&mchNo=M2000000001&nonceStr=[0-9a-f]{32}&reqId=R/);
  });

  it('channel auth: generate-auth-url, the payer authorizes, auth reads the openId', async () => {
    const url = await client.generateAuthUrl({ channel: 'wechat', returnPath: 'https://shop.example.com/r' });
    const callback = (await fetch(url.authUrl, { redirect: 'manual' })).headers.get('location')!;
    await fetch(callback, { redirect: 'manual' });
    const result = await client.auth({ channel: 'wechat', queryCode: url.queryCode });
    expect(result).toMatchObject({
      status: 'success',
      returnPath: 'https://shop.example.com/r',
      openId: expect.stringMatching(/^o/),
    });
  });

  it('get-openid: the signed link, and the return verified to the openId', async () => {
    const link = client.openIdLink({
      authType: 'wechat',
      wxAppId: DEMO_WECHAT_APP.appId,
      redirectUrl: 'https://shop.example.com/back',
    });
    const authorize = (await fetch(link, { redirect: 'manual' })).headers.get('location')!;
    const callback = (await fetch(authorize, { redirect: 'manual' })).headers.get('location')!;
    const back = (await fetch(callback, { redirect: 'manual' })).headers.get('location')!;
    expect(client.verifyOpenIdReturn(back)).toMatch(/^o/);
    expect(() => client.verifyOpenIdReturn(back.replace(/openid=[^&]+/, 'openid=oSomeoneElse'))).toThrow(
      AssistSignatureError,
    );
  });

  it("a gateway failure is AssistEnvelopeError with DaxPay Open's code; a wrong platform key refuses every answer", async () => {
    const stranger = new DaxPayOpenClient({
      baseUrl: gw.baseUrl,
      mchNo: OPEN_MERCHANT.mchNo,
      privateKey: rsaPair().privateKeyPem,
      platformPublicKey: PLATFORM_KEY.publicKeyPem,
    });
    await expect(stranger.ping()).rejects.toMatchObject({ code: 20052 });
    await expect(stranger.ping()).rejects.toBeInstanceOf(AssistEnvelopeError);
    const doubting = new DaxPayOpenClient({
      baseUrl: gw.baseUrl,
      mchNo: OPEN_MERCHANT.mchNo,
      privateKey: MERCHANT_KEY.privateKeyPem,
      platformPublicKey: rsaPair().publicKeyPem,
    });
    await expect(doubting.ping()).rejects.toMatchObject({ reason: 'mismatch' });
  });
});

describe('DaxPayOpenClient and an unsigned answer', () => {
  let server: Server;
  let baseUrl: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(
        req.url === '/unipay/ping'
          ? '{"code":0,"msg":"success","data":{"mchNo":"M1"}}'
          : '{"message":"验签失败","code":20052,"data":null}',
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('refuses an unsigned success and passes an unsigned failure on with its code (message read when msg is empty)', async () => {
    const client = new DaxPayOpenClient({
      baseUrl,
      mchNo: 'M1',
      privateKey: MERCHANT_KEY.privateKeyPem,
      platformPublicKey: PLATFORM_KEY.publicKeyPem,
    });
    await expect(client.ping()).rejects.toMatchObject({ reason: 'unsigned' });
    await expect(client.auth({ channel: 'wechat', queryCode: 'q' })).rejects.toMatchObject({
      code: 20052,
      serverMessage: '验签失败',
    });
  });
});
