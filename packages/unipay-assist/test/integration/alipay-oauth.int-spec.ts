import * as alipaySdk from 'alipay-sdk';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { createServer, request } from 'node:http';
import { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { buildAlipayAuthorizeUrl } from '../../src/alipay/alipay-authorize-url';
import { AlipayKeyError, AlipayOAuthClient } from '../../src/alipay/alipay-oauth.client';
import { AlipayExchangeResult } from '../../src/alipay/alipay-exchange-result';
import { AlipaySimulator } from '../../../simulator/src/alipay-simulator';
import { RunningAlipaySimulator, startAlipaySimulator } from '../../../simulator/src/alipay-simulator.server';
import { waitFor } from '../../../../test/support/wait';

// Real HTTP on 127.0.0.1: alipay-sdk signs, the simulator verifies with its own
// implementation of Alipay's sign string, then signs its answer for the SDK to verify.
const OPEN_APP = '2021000000000001';
const USER_APP = '2021000000000002';
const BOTH_APP = '2021000000000003';

let sim: RunningAlipaySimulator;

beforeAll(async () => {
  sim = await startAlipaySimulator({
    apps: [{ appId: OPEN_APP }, { appId: USER_APP, ids: 'user_id' }, { appId: BOTH_APP, ids: 'both' }],
  });
});

afterAll(async () => {
  await sim.close();
});

beforeEach(() => sim.simulator.reset());

function clientFor(
  appId: string,
  overrides: { appPrivateKey?: string; alipayPublicKey?: string; timeoutMs?: number; gateway?: string } = {},
): AlipayOAuthClient {
  const keys = sim.appKeys(appId);
  return new AlipayOAuthClient(
    {
      appId,
      appPrivateKey: overrides.appPrivateKey ?? keys.appPrivateKey ?? '',
      alipayPublicKey: overrides.alipayPublicKey ?? keys.alipayPublicKey,
    },
    { gateway: overrides.gateway ?? sim.gateway, timeoutMs: overrides.timeoutMs ?? 5000 },
    alipaySdk,
  );
}

function otherPair(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

function expectRefusal(r: AlipayExchangeResult, subCode: string): void {
  expect(r).toMatchObject({ ok: false, subCode });
  expect('kind' in r).toBe(false);
}

describe('alipay.system.oauth.token through alipay-sdk against the simulator', () => {
  it('an open_id app gets the payer open_id (no user_id), stable per (app, user), and no refresh token', async () => {
    const code = sim.simulator.issueAuthCode(OPEN_APP, 'alice');
    const r = await clientFor(OPEN_APP).exchangeCode(code);
    expect(r).toEqual({
      ok: true,
      openId: AlipaySimulator.openIdFor(OPEN_APP, 'alice'),
      accessToken: expect.stringMatching(/^authbseB/),
      expiresIn: 1209600,
    });
    expect(JSON.stringify(r)).not.toMatch(/refresh/i);
    expect(sim.simulator.exchanges).toBe(1);
  });

  it('a user_id app gets the 2088 user id, the same user in another app the same user_id', async () => {
    const r = await clientFor(USER_APP).exchangeCode(sim.simulator.issueAuthCode(USER_APP, 'bob'));
    expect(r).toMatchObject({ ok: true, userId: AlipaySimulator.userIdFor('bob') });
    expect(r.ok && r.userId).toMatch(/^2088\d{12}$/);
    expect(r.ok && 'openId' in r).toBe(false);
    const both = await clientFor(BOTH_APP).exchangeCode(sim.simulator.issueAuthCode(BOTH_APP, 'bob', 'auth_user'));
    expect(both).toMatchObject({
      ok: true,
      userId: AlipaySimulator.userIdFor('bob'),
      openId: AlipaySimulator.openIdFor(BOTH_APP, 'bob'),
      accessToken: expect.stringMatching(/^authusrB/),
    });
    expect(AlipaySimulator.openIdFor(BOTH_APP, 'bob')).not.toBe(AlipaySimulator.openIdFor(OPEN_APP, 'bob'));
  });

  it('the same auth code twice: the second answer is isv.code-invalid, a signed refusal under error_response', async () => {
    const client = clientFor(OPEN_APP);
    const code = sim.simulator.issueAuthCode(OPEN_APP);
    expect((await client.exchangeCode(code)).ok).toBe(true);
    const again = await client.exchangeCode(code);
    expectRefusal(again, 'isv.code-invalid');
    expect(again).toMatchObject({
      code: '40002',
      reason: expect.stringMatching(/auth code is invalid, expired or already used/),
    });
  });

  it('an unknown code and a code of another app are isv.code-invalid', async () => {
    expectRefusal(await clientFor(OPEN_APP).exchangeCode('not-a-code'), 'isv.code-invalid');
    expectRefusal(await clientFor(OPEN_APP).exchangeCode(sim.simulator.issueAuthCode(USER_APP)), 'isv.code-invalid');
  });

  it('an expired code is isv.code-invalid', async () => {
    const short = await startAlipaySimulator({ apps: [{ appId: OPEN_APP }], codeTtlMs: 1 });
    try {
      const keys = short.appKeys(OPEN_APP);
      const client = new AlipayOAuthClient(
        { appId: OPEN_APP, appPrivateKey: keys.appPrivateKey ?? '', alipayPublicKey: keys.alipayPublicKey },
        { gateway: short.gateway },
        alipaySdk,
      );
      const code = short.simulator.issueAuthCode(OPEN_APP);
      expect(await waitFor(() => short.simulator.codeState(code) === 'expired')).toBe(true);
      expectRefusal(await client.exchangeCode(code), 'isv.code-invalid');
    } finally {
      await short.close();
    }
  });

  it('a request signed with the wrong app key is refused with isv.invalid-signature, and the code survives', async () => {
    const code = sim.simulator.issueAuthCode(OPEN_APP);
    const r = await clientFor(OPEN_APP, { appPrivateKey: otherPair().privateKey }).exchangeCode(code);
    expectRefusal(r, 'isv.invalid-signature');
    expect(sim.simulator.codeState(code)).toBe('unused');
    expect(r).toMatchObject({ code: '40002', reason: expect.stringMatching(/app private key does not match/) });
    // The simulator's sub_msg quotes the sign string with the code in it, as Alipay's does: it must not surface.
    expect(JSON.stringify(r)).not.toContain(code);
    expect((await clientFor(OPEN_APP).exchangeCode(code)).ok).toBe(true);
  });

  it('an app id Alipay does not know: isv.invalid-app-id, accepted unsigned (Alipay has no key to sign with)', async () => {
    const keys = sim.appKeys(OPEN_APP);
    const stranger = new AlipayOAuthClient(
      { appId: '2021999999999999', appPrivateKey: keys.appPrivateKey ?? '', alipayPublicKey: keys.alipayPublicKey },
      { gateway: sim.gateway },
      alipaySdk,
    );
    const r = await stranger.exchangeCode('whatever');
    expectRefusal(r, 'isv.invalid-app-id');
    expect(r).toMatchObject({ reason: expect.stringMatching(/app id is invalid/) });
  });

  it('a tampered answer sign is bad-signature, and the code was spent (the answer was real)', async () => {
    sim.simulator.alipayFaults.add([{ kind: 'bad-sign', times: 1 }]);
    const client = clientFor(OPEN_APP);
    const code = sim.simulator.issueAuthCode(OPEN_APP);
    const r = await client.exchangeCode(code);
    expect(r).toEqual({ ok: false, kind: 'bad-signature', reason: expect.stringMatching(/does not verify/) });
    expect(JSON.stringify(r)).not.toMatch(/authbseB|open_id|0[A-Za-z0-9]{46}/);
    expectRefusal(await client.exchangeCode(code), 'isv.code-invalid');
  });

  it('a success answer without sign is bad-signature', async () => {
    sim.simulator.alipayFaults.add([{ kind: 'unsigned', times: 1 }]);
    const r = await clientFor(OPEN_APP).exchangeCode(sim.simulator.issueAuthCode(OPEN_APP));
    expect(r).toMatchObject({ ok: false, kind: 'bad-signature', reason: expect.stringMatching(/without a sign/) });
  });

  it('a client holding the wrong Alipay public key trusts no answer: success and refusal are bad-signature', async () => {
    const client = clientFor(OPEN_APP, { alipayPublicKey: otherPair().publicKey });
    expect(await client.exchangeCode(sim.simulator.issueAuthCode(OPEN_APP))).toMatchObject({ kind: 'bad-signature' });
    expect(await client.exchangeCode('unknown-code')).toMatchObject({ kind: 'bad-signature' });
  });

  it('an answer slower than the timeout is kind timeout; the simulator still spent the code', async () => {
    sim.simulator.faults.add([{ kind: 'latency', ms: 1500, times: 1 }]);
    const client = clientFor(OPEN_APP, { timeoutMs: 200 });
    const code = sim.simulator.issueAuthCode(OPEN_APP);
    expect(await client.exchangeCode(code)).toEqual({
      ok: false,
      kind: 'timeout',
      reason: 'Alipay did not answer in time',
    });
    // Neither the SDK nor its HTTP client retried the timeout.
    expect(sim.simulator.exchanges).toBe(1);
    // Why a timeout is never retried: the late request burns the code once its delay is over.
    expect(await waitFor(() => sim.simulator.codeState(code) === 'used')).toBe(true);
    expectRefusal(await clientFor(OPEN_APP).exchangeCode(code), 'isv.code-invalid');
  });

  it('a reset connection is unreachable after the SDK HTTP client (urllib) retried it once, and the code survives', async () => {
    // urllib retries a POST once on ECONNRESET / socket close (its socketErrorRetry default); the SDK cannot turn it off.
    sim.simulator.faults.add([{ kind: 'reset', times: 2 }]);
    const code = sim.simulator.issueAuthCode(OPEN_APP);
    expect(await clientFor(OPEN_APP).exchangeCode(code)).toMatchObject({
      ok: false,
      kind: 'unreachable',
      reason: expect.stringMatching(/ECONNRESET|UND_ERR_SOCKET/),
    });
    expect(sim.simulator.exchanges).toBe(2);
    expect((await clientFor(OPEN_APP).exchangeCode(code)).ok).toBe(true);
  });

  it('a single reset is hidden by that retry: the caller sees the success, Alipay saw two calls', async () => {
    sim.simulator.faults.add([{ kind: 'reset', times: 1 }]);
    expect((await clientFor(OPEN_APP).exchangeCode(sim.simulator.issueAuthCode(OPEN_APP))).ok).toBe(true);
    expect(sim.simulator.exchanges).toBe(2);
  });

  it('a refused connection is unreachable (ECONNREFUSED)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const r = await clientFor(OPEN_APP, { gateway: `http://127.0.0.1:${port}/gateway.do` }).exchangeCode('c');
    expect(r).toEqual({ ok: false, kind: 'unreachable', reason: 'Alipay is unreachable (ECONNREFUSED)' });
  });

  it('HTTP 502 is http-error with the status; a non-JSON 200 is bad-response; neither spends the code', async () => {
    sim.simulator.faults.add([
      { kind: 'http', status: 502, times: 1 },
      { kind: 'non-json', times: 1 },
    ]);
    const code = sim.simulator.issueAuthCode(OPEN_APP);
    expect(await clientFor(OPEN_APP).exchangeCode(code)).toEqual({
      ok: false,
      kind: 'http-error',
      status: 502,
      reason: 'Alipay answered HTTP 502',
    });
    expect(await clientFor(OPEN_APP).exchangeCode(code)).toEqual({
      ok: false,
      kind: 'bad-response',
      reason: 'Alipay answered a body that is not JSON',
    });
    expect((await clientFor(OPEN_APP).exchangeCode(code)).ok).toBe(true);
    expect(sim.simulator.exchanges).toBe(3);
  });

  it('busy is a signed isp.unknow-error refusal (code 20000); an injected sub code answers as such', async () => {
    sim.simulator.faults.add([{ kind: 'busy', times: 1 }]);
    sim.simulator.alipayFaults.add([{ kind: 'sub-code', subCode: 'isv.insufficient-isv-permissions', times: 1 }]);
    const code = sim.simulator.issueAuthCode(OPEN_APP);
    const busy = await clientFor(OPEN_APP).exchangeCode(code);
    expectRefusal(busy, 'isp.unknow-error');
    expect(busy).toMatchObject({ code: '20000', reason: expect.stringMatching(/try again later/) });
    expect(await clientFor(OPEN_APP).exchangeCode(code)).toMatchObject({
      ok: false,
      code: '40006',
      subCode: 'isv.insufficient-isv-permissions',
    });
    expect((await clientFor(OPEN_APP).exchangeCode(code)).ok).toBe(true);
  });

  it('takes the app private key as bare base64 PKCS#1, as Alipay key tools print it', async () => {
    const pem = sim.appKeys(OPEN_APP).appPrivateKey ?? '';
    const bare = createPrivateKey(pem).export({ type: 'pkcs1', format: 'der' }).toString('base64');
    const r = await clientFor(OPEN_APP, { appPrivateKey: bare }).exchangeCode(sim.simulator.issueAuthCode(OPEN_APP));
    expect(r.ok).toBe(true);
  });

  it('refuses bad key material at construction, naming the field, and never shows the key when inspected', () => {
    const keys = sim.appKeys(OPEN_APP);
    expect(() => clientFor(OPEN_APP, { appPrivateKey: 'not a key' })).toThrow(AlipayKeyError);
    expect(() => clientFor(OPEN_APP, { alipayPublicKey: keys.appPublicKey })).toThrow(
      /alipayPublicKey is the app's own public key/,
    );
    const client = clientFor(OPEN_APP);
    const body = (keys.appPrivateKey ?? '').split('\n')[1];
    expect(inspect(client, { depth: 10, showHidden: true })).not.toContain(body);
    expect(JSON.stringify(client)).not.toContain(body);
  });
});

describe('the simulated authorize page', () => {
  function get(
    url: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; location?: string; body: string }> {
    return new Promise((resolve, reject) => {
      request(url, { headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }));
      })
        .on('error', reject)
        .end();
    });
  }

  it('auth_base sends the payer back to redirect_uri with auth_code and state, as Alipay does; the code exchanges', async () => {
    const url = buildAlipayAuthorizeUrl(sim.openAuthBase, {
      appId: OPEN_APP,
      redirectUri: 'https://gw.example/pay/back?order=42#frag',
      state: 'st-1',
    });
    const res = await get(url, { accept: 'text/html' });
    expect(res.status).toBe(302);
    const back = new URL(res.location ?? '');
    expect(`${back.origin}${back.pathname}`).toBe('https://gw.example/pay/back');
    expect(back.hash).toBe('');
    expect(back.searchParams.get('order')).toBe('42');
    expect(back.searchParams.get('state')).toBe('st-1');
    expect(back.searchParams.get('app_id')).toBe(OPEN_APP);
    expect(back.searchParams.get('scope')).toBe('auth_base');
    const r = await clientFor(OPEN_APP).exchangeCode(back.searchParams.get('auth_code') ?? '');
    expect(r).toMatchObject({ ok: true, openId: AlipaySimulator.openIdFor(OPEN_APP, 'demo-user') });
  });

  it('auth_user shows a consent screen to a browser; deny comes back without auth_code, allow with one for sim_user', async () => {
    const url = buildAlipayAuthorizeUrl(sim.openAuthBase, {
      appId: OPEN_APP,
      redirectUri: 'https://gw.example/b',
      scope: 'auth_user',
      state: 's',
    });
    const page = await get(url, { accept: 'text/html' });
    expect(page.status).toBe(200);
    expect(page.body).toContain('id="sim-allow"');
    expect(page.body).toContain('gw.example');
    const denied = new URL((await get(`${url}&sim_consent=deny`)).location ?? '');
    expect(denied.searchParams.has('auth_code')).toBe(false);
    expect(denied.searchParams.get('state')).toBe('s');
    const allowed = new URL((await get(`${url}&sim_consent=allow&sim_user=carol`)).location ?? '');
    const r = await clientFor(OPEN_APP).exchangeCode(allowed.searchParams.get('auth_code') ?? '');
    expect(r).toMatchObject({
      ok: true,
      openId: AlipaySimulator.openIdFor(OPEN_APP, 'carol'),
      accessToken: expect.stringMatching(/^authusrB/),
    });
  });

  it('refuses an unknown app, a bad redirect_uri and an unknown scope', async () => {
    const base = `${sim.openAuthBase}/oauth2/publicAppAuthorize.htm`;
    expect((await get(`${base}?app_id=nope&scope=auth_base&redirect_uri=https%3A%2F%2Fgw.example%2F`)).status).toBe(
      400,
    );
    expect((await get(`${base}?app_id=${OPEN_APP}&scope=auth_base&redirect_uri=javascript%3Aalert(1)`)).status).toBe(
      400,
    );
    expect(
      (await get(`${base}?app_id=${OPEN_APP}&scope=snsapi_base&redirect_uri=https%3A%2F%2Fgw.example%2F`)).status,
    ).toBe(400);
  });
});

describe('the Alipay simulator admin API', () => {
  function call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const req = request(
        `${sim.baseUrl}${path}`,
        { method, headers: { 'content-type': 'application/json' } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown> }),
          );
        },
      );
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  it('issues codes, adds shared and Alipay faults, and reports them', async () => {
    const issued = await call('POST', '/__sim/codes', { app_id: OPEN_APP, user: 'dave' });
    expect(issued.status).toBe(200);
    const added = await call('POST', '/__sim/faults', [
      { kind: 'busy', times: 1 },
      { kind: 'bad-sign', times: 2 },
    ]);
    expect(added.json.faults).toEqual([
      { kind: 'busy', times: 1 },
      { kind: 'bad-sign', times: 2 },
    ]);
    expect((await call('POST', '/__sim/faults', [{ kind: 'nope' }])).status).toBe(400);
    expectRefusal(await clientFor(OPEN_APP).exchangeCode(String(issued.json.auth_code)), 'isp.unknow-error');
    const stats = await call('GET', '/__sim/stats');
    expect(stats.json).toMatchObject({ exchanges: 1, faultsInjected: 1 });
    await call('DELETE', '/__sim/faults');
    const r = await clientFor(OPEN_APP).exchangeCode(String(issued.json.auth_code));
    expect(r).toMatchObject({ ok: true, openId: AlipaySimulator.openIdFor(OPEN_APP, 'dave') });
  });
});
