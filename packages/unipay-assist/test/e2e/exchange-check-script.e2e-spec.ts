import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { ADAPTERS, useDemoGateway } from '../../../../test/support/gateway';

const SCRIPT = resolve(__dirname, '../../../../scripts/exchange-check.mjs');
const TIMEOUT_MS = 2000;
const HALF_OPEN_MS = 5000;

function runScript(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [SCRIPT, ...args], { timeout: 150_000 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, out: stdout + stderr });
    });
  });
}

/** scripts/exchange-check.mjs, the outside client of the report, passes against the demo gateway. */
describe.each(ADAPTERS)('scripts/exchange-check.mjs against the gateway over %s', (adapter) => {
  const demo = useDemoGateway(adapter, {
    override: (sim) => ({
      // Sized for a loaded machine (npm run test:stress): a success must come inside the timeout, and the request
      // right after the circuit opened must come before half-open (500 ms was too short beside busy loops).
      wechat: { apiBase: sim.baseUrl, openBase: sim.baseUrl, timeoutMs: TIMEOUT_MS },
      exchange: { breakerThreshold: 3, breakerHalfOpenMs: HALF_OPEN_MS },
    }),
  });

  it('every idempotency check and fault row matches', async () => {
    const { code, out } = await runScript([
      '--sim',
      demo.sim.baseUrl,
      '--timeout-ms',
      String(TIMEOUT_MS),
      '--threshold',
      '3',
      '--half-open-ms',
      String(HALF_OPEN_MS),
      demo.gw.baseUrl,
    ]);
    expect(out).toContain('all checks passed');
    expect(out).not.toContain('FAIL');
    expect(code).toBe(0);
    expect(out).toMatch(
      /\| same code sent 8 times at once, spread over 1 instance\(s\) \| (success \/ ){7}success \| 1 \| 1 \|/,
    );
    expect(out).toContain('| connection reset, next call | success | 2 | success, 0 call(s) |');
    expect(out).toContain('| next request while open | envelope 29305 | 0 | - |');
  }, 180_000);

  it('a wrong expectation makes it fail (exit 1): here, a breaker threshold the gateway does not have', async () => {
    const { code, out } = await runScript([
      '--sim',
      demo.sim.baseUrl,
      '--timeout-ms',
      String(TIMEOUT_MS),
      '--threshold',
      '7',
      '--half-open-ms',
      String(HALF_OPEN_MS),
      demo.gw.baseUrl,
    ]);
    expect(code).toBe(1);
    expect(out).toMatch(/FAIL circuit opens after 7 failed calls/);
  }, 180_000);
});
