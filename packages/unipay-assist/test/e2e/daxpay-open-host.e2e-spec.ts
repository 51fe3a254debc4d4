import { AssistModule } from '../../src';
import { ADAPTERS, request } from '../../../../test/support/gateway';
import { HOST_CASES, Public, RunningHost, SkipWrap, startHostGateway } from '../../../../test/support/host-gateway';
import { openReference, openVector } from '../../../../test/support/daxpay-open-reference';
import { OPEN_MERCHANT, PLATFORM_KEY } from '../../../../test/support/open-gateway';

/*
 * The DaxPay Open routes in a gateway with every usual piece of global
 * machinery (test/support/host-gateway.ts: catch-all filter, ValidationPipe
 * with whitelist and forbidNonWhitelisted, an auth guard, a response
 * wrapper, global prefix `api`, URI versioning): the Open wire answers
 * unchanged under the host's prefix, and the host's routes as without it.
 */

const VECTOR_NOW_MS = Date.UTC(2026, 0, 15, 2, 30, 1);
const options = {
  merchants: [OPEN_MERCHANT],
  platformKey: { privateKey: PLATFORM_KEY.privateKeyPem },
  mpVerifyFiles: { Zx81: 'Zx81' },
  clock: { nowMs: () => VECTOR_NOW_MS },
};
const json = { 'content-type': 'application/json' };

describe.each(ADAPTERS)('DaxPay Open routes in a host gateway over %s', (adapter) => {
  let without: RunningHost;
  let host: RunningHost;
  let guarded: RunningHost;
  beforeAll(async () => {
    without = await startHostGateway({ adapter, filter: 'APP_FILTER' });
    host = await startHostGateway({
      adapter,
      filter: 'APP_FILTER',
      imports: [AssistModule.forRoot({ ...options, controllerDecorators: [Public(), SkipWrap()] })],
    });
    guarded = await startHostGateway({ adapter, filter: 'useGlobalFilters', imports: [AssistModule.forRoot(options)] });
  });
  afterAll(async () => {
    await without?.close();
    await host?.close();
    await guarded?.close();
  });

  it("answers the ping vector under the host's global prefix byte for byte: the host's pipe, wrapper and filter untouched", async () => {
    const v = openVector('ping-request');
    const res = await request(
      host.baseUrl,
      'POST',
      '/api/unipay/ping',
      JSON.stringify({ ...v.input, sign: v.sign }),
      json,
    );
    expect(res.status).toBe(200);
    expect(res.text).toBe(openVector('ping-answer').raw);
    expect(openReference.verifyRaw(res.text, PLATFORM_KEY.publicKeyPem)).toBe(true);
  });

  it("an Open failure is the Open answer, never the host's error format", async () => {
    const res = await request(
      host.baseUrl,
      'POST',
      '/api/unipay/ping',
      JSON.stringify({ mchNo: 'M2000000001', reqId: 'R-H', reqTime: '2026-01-15 10:30:00', sign: 'AAAA' }),
      json,
    );
    expect(res.json).toMatchObject({ code: 20052, reqId: 'R-H' });
    expect(res.json).not.toHaveProperty('hostError');
    expect(openReference.verifyRaw(res.text, PLATFORM_KEY.publicKeyPem)).toBe(true);
  });

  it("the Open paths outside the host's prefix are the host's 404; MP_verify is served under it", async () => {
    const bare = await request(host.baseUrl, 'POST', '/unipay/ping', '{}', json);
    expect(bare).toMatchObject({ status: 404, json: { hostError: true } });
    const file = await request(host.baseUrl, 'GET', '/api/MP_verify_Zx81.txt');
    expect(file).toMatchObject({ status: 200, text: 'Zx81' });
    expect((await request(host.baseUrl, 'GET', '/api/unipay/callback/ping')).text).toBe('daxpay-ping:unipay-callback');
  });

  it("without the host's public marker the host's guard refuses, answered on the Open wire (29900, signed)", async () => {
    const v = openVector('ping-request');
    const res = await request(
      guarded.baseUrl,
      'POST',
      '/api/unipay/ping',
      JSON.stringify({ ...v.input, sign: v.sign }),
      json,
    );
    expect(res.json).toMatchObject({ code: 29900, reqId: 'R-PING-0001' });
    expect(openReference.verifyRaw(res.text, PLATFORM_KEY.publicKeyPem)).toBe(true);
  });

  it.each(HOST_CASES.map((c) => [c.name, c] as const))(
    "the host's own route answers as without the module: %s",
    async (_name, c) => {
      const headers: Record<string, string> = c.contentType ? { 'content-type': c.contentType } : {};
      const expected = await request(without.baseUrl, c.method, c.path, c.body, headers);
      const actual = await request(host.baseUrl, c.method, c.path, c.body, headers);
      expect({ status: actual.status, body: actual.json ?? actual.text }).toEqual({
        status: expected.status,
        body: expected.json ?? expected.text,
      });
    },
  );
});
