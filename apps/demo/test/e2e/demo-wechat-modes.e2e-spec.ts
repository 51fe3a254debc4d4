import { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { RunningSimulator, startSimulatorServer } from '../../../../packages/simulator/src/simulator.server';
import { WechatSimulator } from '../../../../packages/simulator/src/wechat-simulator';
import { createDemoApp } from '../../src/create-demo-app';
import { DEMO_WECHAT_APP } from '../../src/demo-merchant';
import {
  DEMO_COMPONENT,
  DEMO_COMPONENT_ACCOUNT,
  DEMO_COMPONENT_MERCHANT,
  DEMO_MODES_SIMULATOR,
  DEMO_SP_APP,
  DEMO_SP_MERCHANT,
  startDemoTicketPushes,
} from '../../src/demo-wechat-modes';
import { ADAPTERS, codeFrom, post, signedBody } from '../../../../test/support/gateway';

describe.each(ADAPTERS)('the demo gateway with its service-provider and platform merchants, over %s', (adapter) => {
  let sim: RunningSimulator;
  let app: INestApplication;
  let base = '';
  let firstPush = '';
  beforeAll(async () => {
    sim = await startSimulatorServer({
      ...DEMO_MODES_SIMULATOR,
      apps: [DEMO_WECHAT_APP, ...DEMO_MODES_SIMULATOR.apps],
    });
    app = await createDemoApp({ adapter, logger: false, wechatBase: sim.baseUrl, wechatModes: true });
    await app.listen(0, '127.0.0.1');
    const server = app.getHttpServer() as Server;
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    firstPush = await startDemoTicketPushes(sim, base);
  });
  afterAll(async () => {
    await app?.close();
    await sim?.close();
  });

  it("the first ticket push is accepted, and each merchant's payer gets an openId of the merchant's app", async () => {
    expect(firstPush).toBe('success');
    for (const [merchant, appId] of [
      [DEMO_SP_MERCHANT, DEMO_SP_APP.appId],
      [DEMO_COMPONENT_MERCHANT, DEMO_COMPONENT_ACCOUNT],
    ] as const) {
      const answer = await post(
        base,
        'getWxAuthUrl',
        signedBody({ mchNo: merchant.mchNo, url: 'http://localhost:3000/pay' }),
      );
      const url = String(answer.json.data.url);
      expect(new URL(url.split('#')[0]).searchParams.get('appid')).toBe(appId);
      const token = await post(
        base,
        'getWxAccessToken',
        signedBody({ mchNo: merchant.mchNo, code: await codeFrom(url) }),
      );
      expect(token.json.data).toMatchObject({ code: 0, openId: WechatSimulator.openIdFor(appId, 'demo-user') });
    }
    expect(sim.component?.appId).toBe(DEMO_COMPONENT.appId);
  });
});
