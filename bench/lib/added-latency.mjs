// The added-latency rows (run.mjs measures them; run.mjs and readme-table.mjs print them).

/** One sentence on what the rows measure. */
export function addedLatencyIntro(first) {
  return (
    `Added latency: getWxAccessToken at c = ${first.connections} with WeChat (the simulator) answering every exchange in ` +
    `${first.wechatLatencyMs} ms, what a payer waits for on the OAuth round trip. "added" is the gateway's p50 / p99 ` +
    "minus the bare relay's (baseline) in the same run; the target is at most +1 ms at p50 and +5 ms at p99."
  );
}

/** The markdown table of the rows. */
export function addedLatencyTable(rows) {
  const out = [
    '| case | target | req/s | p50 ms | p99 ms | added p50 ms | added p99 ms |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const added = (x) => (x === null ? '–' : `${x >= 0 ? '+' : ''}${x}`);
    out.push(
      `| ${r.case} | ${r.target} | ${r.rps} | ${r.p50} | ${r.p99} | ${added(r.addedP50)} | ${added(r.addedP99)} |` +
        (r.ok ? '' : ' (wrong answers)'),
    );
  }
  return out;
}
