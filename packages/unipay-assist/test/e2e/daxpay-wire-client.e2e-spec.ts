import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ADAPTERS, useDemoGateway } from '../../../../test/support/gateway';

const run = promisify(execFile);
const SCRIPT = join(__dirname, '..', '..', '..', '..', 'scripts', 'daxpay-wire-client.mjs');

/** The outside client (scripts/daxpay-wire-client.mjs, no src imports) against the real demo app. */
describe.each(ADAPTERS)('outside DaxPay-wire client against the demo over %s', (adapter) => {
  const demo = useDemoGateway(adapter);

  it('runs the whole flow and gets each documented error code (exit 0)', async () => {
    const { stdout } = await run(process.execPath, [SCRIPT, demo.gw.baseUrl, '--json'], { timeout: 20_000 });
    const report = JSON.parse(stdout) as {
      failed: number;
      passed: number;
      rows: { check: string; expected: string; got: string; ok: boolean; skipped?: boolean }[];
    };
    const failures = report.rows.filter((r) => !r.ok);
    expect(failures).toEqual([]);
    expect(report.failed).toBe(0);
    const checked = report.rows.filter((r) => !r.skipped).map((r) => r.check.split(' ')[0]);
    for (const code of ['10005', '10006', '29007', '29008', '29009', '20052', '20023', '29062'])
      expect(checked).toContain(code);
    expect(report.rows.find((r) => r.check.startsWith('same signed request twice'))).toMatchObject({ ok: true });
    expect(report.rows.find((r) => r.check.startsWith('getWxAccessToken'))).toMatchObject({ ok: true });
    expect(report.rows.find((r) => r.check.startsWith('business failure'))).toMatchObject({ ok: true });
    // Both codes of the flow reached the simulator: the URL was followed and the code exchanged once.
    expect(demo.sim.simulator.authorizations).toBeGreaterThanOrEqual(1);
    expect(demo.sim.simulator.exchanges).toBeGreaterThanOrEqual(2);
  });

  it('exits 1 and says FAIL when the server does not match (wrong secret)', async () => {
    const err = await run(process.execPath, [SCRIPT, demo.gw.baseUrl, '--secret', 'not-the-demo-secret'], {
      timeout: 20_000,
    }).then(
      () => undefined,
      (e: { code: number; stdout: string }) => e,
    );
    expect(err?.code).toBe(1);
    expect(err?.stdout).toMatch(/FAIL +getWxAuthUrl: signed auth URL/);
    expect(err?.stdout).toMatch(/FAILED/);
  });
});
