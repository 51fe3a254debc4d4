/** One check's outcome: `fail` makes the doctor exit non-zero, `warn` does not. */
export type DoctorStatus = 'ok' | 'warn' | 'fail' | 'skip';

/** One table row: a merchant (or `(relay)` for shared checks), the check, its outcome and why. Never a secret. */
export interface DoctorRow {
  merchant: string;
  check: string;
  status: DoctorStatus;
  detail: string;
}

export interface DoctorReport {
  rows: DoctorRow[];
  /** False when any row failed. */
  ok: boolean;
}

export function reportOf(rows: DoctorRow[]): DoctorReport {
  return { rows, ok: rows.every((r) => r.status !== 'fail') };
}

/** The report as a plain-text table, one row per merchant and check, and a last line saying whether all is well. */
export function formatDoctorTable(report: DoctorReport): string {
  const header: DoctorRow = { merchant: 'merchant', check: 'check', status: 'ok', detail: 'detail' };
  const rows = report.rows;
  const width = (pick: (r: DoctorRow) => string) => Math.max(...[header, ...rows].map((r) => pick(r).length));
  const wm = width((r) => r.merchant);
  const wc = width((r) => r.check);
  const line = (m: string, c: string, s: string, d: string) =>
    `${m.padEnd(wm)}  ${c.padEnd(wc)}  ${s.padEnd(6)}  ${d}`.trimEnd();
  const out = [line('merchant', 'check', 'status', 'detail'), line('-'.repeat(wm), '-'.repeat(wc), '------', '------')];
  for (const r of rows) out.push(line(r.merchant, r.check, r.status.toUpperCase(), r.detail));
  const failed = rows.filter((r) => r.status === 'fail').length;
  const warned = rows.filter((r) => r.status === 'warn').length;
  out.push('');
  out.push(
    failed === 0
      ? `all checks passed${warned ? ` (${warned} warning${warned > 1 ? 's' : ''})` : ''}`
      : `${failed} check${failed > 1 ? 's' : ''} failed`,
  );
  return `${out.join('\n')}\n`;
}
