import { SimFault } from '../../src/simulator/sim-faults';
import { ADAPTERS, Answer, DEMO_WECHAT_APP, post, signedBody, useDemoGateway } from '../support/gateway';

const TIMEOUT_MS = 400;
const HALF_OPEN_MS = 600;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a client saw, in one short phrase for the table. */
function outcome(a: Answer): string {
  if (a.json?.code !== 0) return `envelope ${a.json?.code} (data null)`;
  if (a.json.data.code === 0) return 'success (openId)';
  return `data.code 1, wxErrcode ${a.json.wxErrcode}`;
}

interface Row {
  fault: string;
  got: string;
  calls: number;
  after: string;
}

describe.each(ADAPTERS)('WeChat faults over %s (simulator admin API, retry policy, breaker)', (adapter) => {
  const demo = useDemoGateway(adapter, {
    override: (sim) => ({
      wechat: { apiBase: sim.baseUrl, openBase: sim.baseUrl, timeoutMs: TIMEOUT_MS },
      exchange: { retryDelayMs: 20, breakerThreshold: 4, breakerHalfOpenMs: HALF_OPEN_MS },
    }),
  });
  const rows: Row[] = [];

  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${demo.sim.baseUrl}/__sim/${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    return (await res.json()) as { exchanges: number; faults: SimFault[] };
  };
  const calls = async () => (await admin('GET', 'stats')).exchanges;
  const exchange = (code: string) => post(demo.gw.baseUrl, 'getWxAccessToken', signedBody({ code }));

  /**
   * Injects `faults` through the admin endpoint, exchanges a fresh code, then
   * clears the faults and sends the same code again: is the code still good?
   */
  async function probe(fault: string, faults: SimFault[], settleMs = 0) {
    await admin('DELETE', 'faults');
    if (faults.length) await admin('POST', 'faults', faults);
    const code = demo.sim.simulator.issueCode(DEMO_WECHAT_APP.appId, `user-${rows.length}`);
    const c0 = await calls();
    const first = await exchange(code);
    const c1 = await calls();
    await admin('DELETE', 'faults');
    await sleep(settleMs);
    const again = await exchange(code);
    const c2 = await calls();
    rows.push({ fault, got: outcome(first), calls: c1 - c0, after: `${outcome(again)}, ${c2 - c1} call(s)` });
    return { first, again, calls: c1 - c0, againCalls: c2 - c1 };
  }

  afterAll(() => {
    const table = [
      `\nFault table (${adapter}; timeout ${TIMEOUT_MS} ms, breaker opens after 4 failed calls, half-open after ${HALF_OPEN_MS} ms)`,
      '| fault injected | client got | upstream calls | same code sent again (faults cleared) |',
      '|---|---|---|---|',
      ...rows.map((r) => `| ${r.fault} | ${r.got} | ${r.calls} | ${r.after} |`),
      '',
    ].join('\n');
    process.stdout.write(table + '\n');
  });

  it('no fault: success, one call; the retry is answered from the cache', async () => {
    const r = await probe('none', []);
    expect(r.first.json.data.code).toBe(0);
    expect(r.calls).toBe(1);
    expect(r.again.json.data.openId).toBe(r.first.json.data.openId);
    expect(r.againCalls).toBe(0);
  });

  it('-1 busy once: retried once, success, and the code was not burned', async () => {
    const r = await probe('busy (-1) x1', [{ kind: 'busy', times: 1 }]);
    expect(r.first.json.data).toMatchObject({ code: 0 });
    expect(r.calls).toBe(2);
    expect(r.againCalls).toBe(0);
  });

  it('-1 busy twice: one retry only, then the -1 refusal; the code is still good', async () => {
    const r = await probe('busy (-1) x2', [{ kind: 'busy', times: 2 }]);
    expect(r.first.json.data).toMatchObject({ code: 1 });
    expect(r.first.json.wxErrcode).toBe(-1);
    expect(r.first.json.data.msg).toMatch(/busy.*errcode -1/);
    expect(r.calls).toBe(2);
    expect(r.again.json.data.code).toBe(0);
    expect(r.againCalls).toBe(1);
  });

  it('connection reset once: retried once, success, code not burned', async () => {
    const r = await probe('connection reset x1', [{ kind: 'reset', times: 1 }]);
    expect(r.first.json.data.code).toBe(0);
    expect(r.calls).toBe(2);
  });

  it('connection reset twice: 30001 after one retry; the code is still good', async () => {
    const r = await probe('connection reset x2', [{ kind: 'reset', times: 2 }]);
    expect(r.first.json).toMatchObject({ code: 30001, data: null });
    expect(r.first.json.msg).toMatch(/unreachable/);
    expect(r.calls).toBe(2);
    expect(r.again.json.data.code).toBe(0);
  });

  it('HTTP 503: 30004, not retried', async () => {
    const r = await probe('HTTP 503 x1', [{ kind: 'http', status: 503, times: 1 }]);
    expect(r.first.json).toMatchObject({ code: 30004, data: null });
    expect(r.first.json.msg).toContain('HTTP 503');
    expect(r.calls).toBe(1);
    expect(r.again.json.data.code).toBe(0);
  });

  it('non-JSON body: 30003, not retried', async () => {
    const r = await probe('non-JSON body x1', [{ kind: 'non-json', times: 1 }]);
    expect(r.first.json).toMatchObject({ code: 30003, data: null });
    expect(r.calls).toBe(1);
    expect(r.again.json.data.code).toBe(0);
  });

  it('latency under the timeout: success, one call', async () => {
    const r = await probe(`latency ${TIMEOUT_MS / 4} ms x1`, [{ kind: 'latency', ms: TIMEOUT_MS / 4, times: 1 }]);
    expect(r.first.json.data.code).toBe(0);
    expect(r.calls).toBe(1);
  });

  it('latency over the timeout: 30002, not retried; WeChat spent the code after we gave up (40163)', async () => {
    const r = await probe(`latency ${TIMEOUT_MS * 1.5} ms x1 (> timeout)`, [{ kind: 'latency', ms: TIMEOUT_MS * 1.5, times: 1 }], TIMEOUT_MS);
    expect(r.first.json).toMatchObject({ code: 30002, data: null });
    expect(r.calls).toBe(1);
    // This is why a timeout is not retried: the slow call did reach WeChat.
    expect(r.again.json.data).toMatchObject({ code: 1 });
    expect(r.again.json.wxErrcode).toBe(40163);
  });

  it('45011 rate limited: business failure naming it, not retried', async () => {
    const r = await probe('errcode 45011 x1', [{ kind: 'errcode', errcode: 45011, times: 1 }]);
    expect(r.first.json.data).toMatchObject({ code: 1 });
    expect(r.first.json.wxErrcode).toBe(45011);
    expect(r.first.json.data.msg).toMatch(/rate limit.*45011/);
    expect(r.calls).toBe(1);
    expect(r.again.json.data.code).toBe(0);
  });

  it.each([
    [40029, /code is invalid/],
    [42003, /expired/],
    [40163, /already been used/],
  ])('code error %d: business failure, not retried, not cached', async (errcode, reason) => {
    const r = await probe(`errcode ${errcode} x1`, [{ kind: 'errcode', errcode, times: 1 }]);
    expect(r.first.json.data).toMatchObject({ code: 1 });
    expect(r.first.json.wxErrcode).toBe(errcode);
    expect(r.first.json.data.msg).toMatch(reason);
    expect(r.calls).toBe(1);
    expect(r.again.json.data.code).toBe(0);
    expect(r.againCalls).toBe(1);
  });

  it('WeChat down: the circuit opens after 4 failed calls, fails fast with 30005 (no call), then a probe closes it', async () => {
    await admin('DELETE', 'faults');
    await admin('POST', 'faults', [{ kind: 'reset', share: 1 }]);
    const c0 = await calls();
    const a = await exchange(demo.sim.simulator.issueCode(DEMO_WECHAT_APP.appId, 'down-1'));
    const b = await exchange(demo.sim.simulator.issueCode(DEMO_WECHAT_APP.appId, 'down-2'));
    const c1 = await calls();
    expect([a.json.code, b.json.code]).toEqual([30001, 30001]);
    expect(c1 - c0).toBe(4);
    const code = demo.sim.simulator.issueCode(DEMO_WECHAT_APP.appId, 'down-3');
    const fast = await exchange(code);
    const c2 = await calls();
    expect(fast.json).toMatchObject({ code: 30005, data: null });
    expect(fast.json.msg).toMatch(/circuit open/);
    expect(c2 - c1).toBe(0);
    rows.push({ fault: 'connection reset on every call (WeChat down), 2 requests', got: 'envelope 30001 twice', calls: c1 - c0, after: '-' });
    rows.push({ fault: '… 3rd request while the circuit is open', got: outcome(fast), calls: 0, after: '-' });
    // WeChat recovers; after the half-open delay one probe goes through.
    await admin('DELETE', 'faults');
    await sleep(HALF_OPEN_MS + 100);
    const probe = await exchange(code);
    const c3 = await calls();
    expect(probe.json.data.code).toBe(0);
    expect(c3 - c2).toBe(1);
    rows.push({ fault: `… same code after ${HALF_OPEN_MS} ms, WeChat back (half-open probe)`, got: outcome(probe), calls: c3 - c2, after: 'circuit closed' });
    const next = await exchange(demo.sim.simulator.issueCode(DEMO_WECHAT_APP.appId, 'down-4'));
    expect(next.json.data.code).toBe(0);
  });

  it('the admin endpoint refuses a bad fault with 400 and a reason', async () => {
    const res = await fetch(`${demo.sim.baseUrl}/__sim/faults`, { method: 'POST', body: '{"kind":"meteor"}' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/kind must be one of/);
  });
});
