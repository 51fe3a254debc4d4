import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { MiniProgramSimulator } from '../../../simulator/src/mini-program-simulator';
import { WechatSimulator } from '../../../simulator/src/wechat-simulator';
import { WechatMiniProgramClient } from '../../src/wechat/wechat-mini-program.client';
import { MiniProgramSessionResult } from '../../src/wechat/wechat-mini-program-result';
import { waitFor } from '../../../../test/support/wait';

// The handler mounted in a bare node:http server on 127.0.0.1, as the WeChat simulator will mount it.
const BOUND = { appId: 'wxmini0000000001', appSecret: 'mini-secret-1' };
const BOUND_TOO = { appId: 'wxmini0000000002', appSecret: 'mini-secret-2' };
const LONE = { appId: 'wxmini0000000003', appSecret: 'mini-secret-3' };

let sim: MiniProgramSimulator;
let server: Server;
let apiBase: string;

beforeAll(async () => {
  sim = new MiniProgramSimulator({
    apps: [{ ...BOUND, openPlatformId: 'open-1' }, { ...BOUND_TOO, openPlatformId: 'open-1' }, LONE],
  });
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    if (!sim.handle(req, res, url)) {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => sim.reset());

function client(timeoutMs = 5000): WechatMiniProgramClient {
  return new WechatMiniProgramClient({ apiBase, timeoutMs });
}

function expectErrcode(r: MiniProgramSessionResult, errcode: number): void {
  expect(r).toMatchObject({ ok: false, errcode });
  expect('kind' in r).toBe(false);
}

describe('jscode2session against the mini program simulator', () => {
  it('a wx.login code gives the openId and, for an app bound to an Open Platform account, the unionId', async () => {
    const r = await client().code2Session(BOUND, sim.issueLoginCode(BOUND.appId, 'alice'));
    expect(r).toEqual({
      ok: true,
      openId: WechatSimulator.openIdFor(BOUND.appId, 'alice'),
      unionId: MiniProgramSimulator.unionIdFor('open-1', 'alice'),
    });
    expect(sim.exchanges).toBe(1);
  });

  it('two apps of one Open Platform account share the unionId, not the openId; an unbound app has no unionId', async () => {
    const a = await client().code2Session(BOUND, sim.issueLoginCode(BOUND.appId, 'bob'));
    const b = await client().code2Session(BOUND_TOO, sim.issueLoginCode(BOUND_TOO.appId, 'bob'));
    expect(a.ok && b.ok && a.unionId === b.unionId && a.openId !== b.openId).toBe(true);
    const lone = await client().code2Session(LONE, sim.issueLoginCode(LONE.appId, 'bob'));
    expect(lone).toEqual({ ok: true, openId: WechatSimulator.openIdFor(LONE.appId, 'bob') });
  });

  it('the same code twice: 40163; an unknown code or one of another app: 40029', async () => {
    const code = sim.issueLoginCode(BOUND.appId);
    expect((await client().code2Session(BOUND, code)).ok).toBe(true);
    expectErrcode(await client().code2Session(BOUND, code), 40163);
    expectErrcode(await client().code2Session(BOUND, 'nope'), 40029);
    expectErrcode(await client().code2Session(BOUND, sim.issueLoginCode(LONE.appId)), 40029);
  });

  it('an expired code is 40029, as on WeChat', async () => {
    const short = new MiniProgramSimulator({ apps: [BOUND], codeTtlMs: 1 });
    const code = short.issueLoginCode(BOUND.appId);
    expect(await waitFor(() => short.codeState(code) === 'expired')).toBe(true);
    const srv = createServer((req, res) => void short.handle(req, res, new URL(req.url ?? '/', 'http://x')));
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    try {
      const c = new WechatMiniProgramClient({ apiBase: `http://127.0.0.1:${(srv.address() as AddressInfo).port}` });
      expectErrcode(await c.code2Session(BOUND, code), 40029);
    } finally {
      srv.closeAllConnections();
      await new Promise<void>((resolve) => srv.close(() => resolve()));
    }
  });

  it('a wrong secret is 40125 and the code survives', async () => {
    const code = sim.issueLoginCode(BOUND.appId);
    const r = await client().code2Session({ ...BOUND, appSecret: 'wrong' }, code);
    expectErrcode(r, 40125);
    expect(JSON.stringify(r)).not.toContain('wrong');
    expect(sim.codeState(code)).toBe('unused');
  });

  it('errcode faults (45011, 40226, busy -1) answer before the code is looked at: the code survives', async () => {
    sim.faults.add([{ kind: 'errcode', errcode: 45011 }, { kind: 'errcode', errcode: 40226 }, { kind: 'busy' }]);
    const code = sim.issueLoginCode(BOUND.appId);
    expectErrcode(await client().code2Session(BOUND, code), 45011);
    expectErrcode(await client().code2Session(BOUND, code), 40226);
    expectErrcode(await client().code2Session(BOUND, code), -1);
    expect((await client().code2Session(BOUND, code)).ok).toBe(true);
  });

  it('an answer slower than the timeout is kind timeout, not retried; the late call still spends the code', async () => {
    sim.faults.add([{ kind: 'latency', ms: 1500 }]);
    const code = sim.issueLoginCode(BOUND.appId);
    expect(await client(200).code2Session(BOUND, code)).toEqual({
      ok: false,
      kind: 'timeout',
      reason: 'WeChat did not answer in time',
    });
    expect(sim.exchanges).toBe(1);
    expect(await waitFor(() => sim.codeState(code) === 'used')).toBe(true);
    expectErrcode(await client().code2Session(BOUND, code), 40163);
  });

  it('a reset is unreachable (axios does not retry), and the code survives', async () => {
    sim.faults.add([{ kind: 'reset' }]);
    const code = sim.issueLoginCode(BOUND.appId);
    expect(await client().code2Session(BOUND, code)).toMatchObject({
      ok: false,
      kind: 'unreachable',
      reason: expect.stringMatching(/ECONNRESET|socket hang up/),
    });
    expect(sim.exchanges).toBe(1);
    expect((await client().code2Session(BOUND, code)).ok).toBe(true);
  });

  it('HTTP 503 is http-error, a non-JSON 200 is bad-response, a closed port is unreachable', async () => {
    sim.faults.add([{ kind: 'http', status: 503 }, { kind: 'non-json' }]);
    const code = sim.issueLoginCode(BOUND.appId);
    expect(await client().code2Session(BOUND, code)).toEqual({
      ok: false,
      kind: 'http-error',
      status: 503,
      reason: 'WeChat answered HTTP 503',
    });
    expect(await client().code2Session(BOUND, code)).toEqual({
      ok: false,
      kind: 'bad-response',
      reason: 'WeChat answered a body that is not JSON',
    });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const r = await new WechatMiniProgramClient({ apiBase: `http://127.0.0.1:${port}` }).code2Session(BOUND, code);
    expect(r).toEqual({ ok: false, kind: 'unreachable', reason: 'WeChat is unreachable (ECONNREFUSED)' });
    expect(sim.codeState(code)).toBe('unused');
  });

  it('the handler leaves other paths to the server it is mounted in; issuing a code for an unknown app throws', async () => {
    expect((await fetch(`${apiBase}/sns/oauth2/access_token`)).status).toBe(404);
    expect((await fetch(`${apiBase}/wx/sns/jscode2session?appid=${BOUND.appId}`)).status).toBe(200);
    expect(() => sim.issueLoginCode('wxunknown')).toThrow(/no app wxunknown/);
  });
});
