import Redis from 'ioredis';
import { DEMO_WECHAT_APP } from '../../../../apps/demo/src/demo-merchant';
import { RunningSimulator, startSimulatorServer } from '../../../simulator/src/simulator.server';
import { beijingTime, openBody, openReference } from '../../../../test/support/daxpay-open-reference';
import { ADAPTERS } from '../../../../test/support/gateway';
import {
  MERCHANT_KEY,
  OPEN_MERCHANT,
  OpenGateway,
  PLATFORM_KEY,
  postOpen,
  startOpenGateway,
} from '../../../../test/support/open-gateway';
import { SHARED_REDIS_URL, uniquePrefix } from '../../../../test/support/redis-server';

/*
 * DaxPay Open on two gateway instances sharing one Redis, over Express and
 * Fastify: a nonce claimed on one is claimed for the other, a byte-identical
 * re-send to the other gets the first answer, and an authorization session
 * started on one is completed and read on the other.
 */

const MERCHANT = OPEN_MERCHANT as { mchNo: string; appId: string };
const sign = (fields: Record<string, unknown>) => ({
  ...fields,
  sign: openReference.sign(openReference.signString(fields), MERCHANT_KEY.privateKeyPem),
});
const on = (url: string, base: string) => `${base}${new URL(url).pathname}${new URL(url).search}`;

describe.each(ADAPTERS)('DaxPay Open on two instances with Redis (%s)', (adapter) => {
  const keyPrefix = uniquePrefix('open');
  let sim: RunningSimulator;
  let a: OpenGateway;
  let b: OpenGateway;
  let redis: Redis;

  beforeAll(async () => {
    sim = await startSimulatorServer({ apps: [DEMO_WECHAT_APP] });
    const shared = {
      redisUrl: SHARED_REDIS_URL,
      redisKeyPrefix: keyPrefix,
      rateLimit: { ip: false, merchant: false },
    } as const;
    a = await startOpenGateway(adapter, sim.baseUrl, shared);
    b = await startOpenGateway(adapter, sim.baseUrl, shared);
    redis = new Redis(SHARED_REDIS_URL);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await a?.app.close();
    await b?.app.close();
    await sim?.close();
  });

  it('a nonce used on one instance is 10409 on the other; the byte-identical re-send there gets the first answer', async () => {
    const first = openBody(MERCHANT, MERCHANT_KEY.privateKeyPem);
    const onA = await postOpen(a.baseUrl, 'unipay/ping', first);
    expect(onA.json.code).toBe(0);
    const retryOnB = await postOpen(b.baseUrl, 'unipay/ping', first);
    expect(retryOnB.raw).toBe(onA.raw);
    const { sign: _s, ...unsigned } = first;
    const reused = await postOpen(
      b.baseUrl,
      'unipay/ping',
      sign({ ...unsigned, reqId: 'R-OTHER', reqTime: beijingTime() }),
    );
    expect(reused.json).toMatchObject({ code: 10409, reqId: 'R-OTHER' });
    expect(openReference.verifyRaw(reused.raw, PLATFORM_KEY.publicKeyPem)).toBe(true);
    // Keys are hashes: the nonce is nowhere in Redis in clear.
    const keys = await redis.keys(`${keyPrefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.some((k) => k.includes(first.nonceStr as string))).toBe(false);
  });

  it("a session started on A is completed by B's callback and read on either, by queryCode or authToken", async () => {
    const gau = await postOpen(
      a.baseUrl,
      'unipay/assist/channel/auth/generate-auth-url',
      openBody(MERCHANT, MERCHANT_KEY.privateKeyPem, { channel: 'wechat', authType: 'wechat' }),
    );
    const { authUrl, queryCode, authToken } = gau.json.data;
    const callback = (await fetch(authUrl, { redirect: 'manual' })).headers.get('location')!;
    expect((await fetch(on(callback, b.baseUrl), { redirect: 'manual' })).status).toBe(200);
    const byQuery = await postOpen(
      b.baseUrl,
      'unipay/assist/channel/auth/auth',
      openBody(MERCHANT, MERCHANT_KEY.privateKeyPem, { channel: 'wechat', queryCode }),
    );
    expect(byQuery.json.data).toMatchObject({ status: 'success', openId: expect.stringMatching(/^o/) });
    const byToken = await postOpen(
      a.baseUrl,
      'unipay/assist/channel/auth/auth',
      openBody(MERCHANT, MERCHANT_KEY.privateKeyPem, { channel: 'wechat', authToken }),
    );
    expect(byToken.json.data.openId).toBe(byQuery.json.data.openId);
  });

  it('get-openid started on A returns through B with the platform-signed openid', async () => {
    const query = new URLSearchParams(
      sign({
        mchNo: MERCHANT.mchNo,
        reqId: 'R-L',
        reqTime: beijingTime(),
        nonceStr: 'n',
        authType: 'wechat',
        wxAppId: DEMO_WECHAT_APP.appId,
        redirectUrl: 'https://shop.example.com/back',
      }) as Record<string, string>,
    );
    const authorize = (
      await fetch(`${a.baseUrl}/unipay/open/auth/get-openid?${query.toString()}`, { redirect: 'manual' })
    ).headers.get('location')!;
    const callback = (await fetch(authorize, { redirect: 'manual' })).headers.get('location')!;
    const back = new URL((await fetch(on(callback, b.baseUrl), { redirect: 'manual' })).headers.get('location')!);
    const openid = back.searchParams.get('openid')!;
    expect(
      openReference.verify(
        `code=0&msg=success&openId=${openid}`,
        back.searchParams.get('sign')!,
        PLATFORM_KEY.publicKeyPem,
      ),
    ).toBe(true);
  });
});
