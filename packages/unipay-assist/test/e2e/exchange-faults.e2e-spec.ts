import { SimFault } from '../../../simulator/src/sim-faults';
import { ADAPTERS, Answer, DEMO_WECHAT_APP, post, signedBody } from '../../../../test/support/gateway';
import { MinimalHostFixtureOptions, useMinimalHost } from '../../../../test/support/minimal-host';
import { simAdmin } from '../../../../test/support/sim-admin';
import { sleep, until } from '../../../../test/support/wait';

// Sized for a loaded machine (npm run test:stress): an answer without a latency fault must come well inside
// TIMEOUT_MS even when the in-process simulator is slow, and the request right after the circuit opened must
// come before HALF_OPEN_MS (with 600 ms a slow machine could reach half-open first and probe instead of 29305).
const TIMEOUT_MS = 2000;
const HALF_OPEN_MS = 5000;

/** WeChat at the simulator with a short timeout, a quick retry and a breaker that opens after 4 failed calls. */
const FAULTY_WECHAT: MinimalHostFixtureOptions = {
  override: (sim) => ({
    wechat: { apiBase: sim.baseUrl, openBase: sim.baseUrl, timeoutMs: TIMEOUT_MS },
    exchange: { retryDelayMs: 20, breakerThreshold: 4, breakerHalfOpenMs: HALF_OPEN_MS },
  }),
};

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
  const host = useMinimalHost(adapter, FAULTY_WECHAT);
  const rows: Row[] = [];

  const admin = () => simAdmin(host.sim.baseUrl);
  const calls = () => admin().exchanges();
  const exchange = (code: string) => post(host.gw.baseUrl, 'getWxAccessToken', signedBody({ code }));

  /**
   * Injects `faults` through the admin endpoint, exchanges a fresh code, then
   * clears the faults and sends the same code again: is the code still good?
   * `settle` runs between the two (e.g. until a slow call reached the simulator).
   */
  async function probe(fault: string, faults: SimFault[], settle: () => Promise<void> = async () => undefined) {
    await admin().clearFaults();
    if (faults.length) await admin().addFaults(faults);
    const code = host.sim.simulator.issueCode(DEMO_WECHAT_APP.appId, `user-${rows.length}`);
    const c0 = await calls();
    const first = await exchange(code);
    const c1 = await calls();
    await admin().clearFaults();
    await settle();
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

  it('connection reset twice: 29301 after one retry; the code is still good', async () => {
    const r = await probe('connection reset x2', [{ kind: 'reset', times: 2 }]);
    expect(r.first.json).toMatchObject({ code: 29301, data: null });
    expect(r.first.json.msg).toMatch(/unreachable/);
    expect(r.calls).toBe(2);
    expect(r.again.json.data.code).toBe(0);
  });

  it('HTTP 503: 29304, not retried', async () => {
    const r = await probe('HTTP 503 x1', [{ kind: 'http', status: 503, times: 1 }]);
    expect(r.first.json).toMatchObject({ code: 29304, data: null });
    expect(r.first.json.msg).toContain('HTTP 503');
    expect(r.calls).toBe(1);
    expect(r.again.json.data.code).toBe(0);
  });

  it('non-JSON body: 29303, not retried', async () => {
    const r = await probe('non-JSON body x1', [{ kind: 'non-json', times: 1 }]);
    expect(r.first.json).toMatchObject({ code: 29303, data: null });
    expect(r.calls).toBe(1);
    expect(r.again.json.data.code).toBe(0);
  });

  it('latency under the timeout: success, one call', async () => {
    const r = await probe(`latency ${TIMEOUT_MS / 4} ms x1`, [{ kind: 'latency', ms: TIMEOUT_MS / 4, times: 1 }]);
    expect(r.first.json.data.code).toBe(0);
    expect(r.calls).toBe(1);
  });

  it('latency over the timeout: 29302, not retried; WeChat spent the code after we gave up (40163)', async () => {
    const latency = TIMEOUT_MS * 1.5;
    // The simulator (in this process) holds the call for `latency` from its arrival, which came before our
    // answer: a timer of `latency` started now is due after the simulator's, so the code is spent by then.
    const r = await probe(`latency ${latency} ms x1 (> timeout)`, [{ kind: 'latency', ms: latency, times: 1 }], () =>
      sleep(latency),
    );
    expect(r.first.json).toMatchObject({ code: 29302, data: null });
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

  it('the admin endpoint refuses a bad fault with 400 and a reason', async () => {
    const res = await fetch(`${host.sim.baseUrl}/__sim/faults`, { method: 'POST', body: '{"kind":"meteor"}' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/kind must be one of/);
  });

  // Its own gateway, so the breaker starts closed with no failures counted, whatever the tests above did.
  describe('WeChat down (a gateway of its own)', () => {
    const breakerHost = useMinimalHost(adapter, FAULTY_WECHAT);
    const admin = () => simAdmin(breakerHost.sim.baseUrl);
    const send = (code: string) => post(breakerHost.gw.baseUrl, 'getWxAccessToken', signedBody({ code }));

    it(
      'WeChat down: the circuit opens after 4 failed calls, fails fast with 29305 (no call), then a probe closes it',
      async () => {
        await admin().addFaults([{ kind: 'reset', share: 1 }]);
        const c0 = await admin().exchanges();
        const a = await send(breakerHost.sim.simulator.issueCode(DEMO_WECHAT_APP.appId, 'down-1'));
        const b = await send(breakerHost.sim.simulator.issueCode(DEMO_WECHAT_APP.appId, 'down-2'));
        const c1 = await admin().exchanges();
        expect([a.json.code, b.json.code]).toEqual([29301, 29301]);
        expect(c1 - c0).toBe(4);
        const code = breakerHost.sim.simulator.issueCode(DEMO_WECHAT_APP.appId, 'down-3');
        const fast = await send(code);
        const c2 = await admin().exchanges();
        expect(fast.json).toMatchObject({ code: 29305, data: null });
        expect(fast.json.msg).toMatch(/circuit open/);
        expect(c2 - c1).toBe(0);
        rows.push({
          fault: 'connection reset on every call (WeChat down), 2 requests',
          got: 'envelope 29301 twice',
          calls: c1 - c0,
          after: '-',
        });
        rows.push({ fault: '… 3rd request while the circuit is open', got: outcome(fast), calls: 0, after: '-' });
        // WeChat recovers. Until the half-open delay is over every request fails fast (29305, no call);
        // poll for the first that does not: it is the one probe, and it closes the circuit.
        await admin().clearFaults();
        const probe = await until(
          () => send(code),
          (a) => a.json.code !== 29305,
          10 * HALF_OPEN_MS,
        );
        const c3 = await admin().exchanges();
        expect(probe.json.data.code).toBe(0);
        expect(c3 - c2).toBe(1);
        rows.push({
          fault: `… same code after ${HALF_OPEN_MS} ms, WeChat back (half-open probe)`,
          got: outcome(probe),
          calls: c3 - c2,
          after: 'circuit closed',
        });
        const next = await send(breakerHost.sim.simulator.issueCode(DEMO_WECHAT_APP.appId, 'down-4'));
        expect(next.json.data.code).toBe(0);
      },
      20 * HALF_OPEN_MS,
    );
  });
});
