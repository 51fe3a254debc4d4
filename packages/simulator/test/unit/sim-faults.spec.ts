import { FaultPlan, normalizeFault, parseFaults, SimFaultError } from '../../src/sim-faults';

describe('simulator fault settings', () => {
  it('reads the compact form: kind[=arg][*times|@share]', () => {
    expect(parseFaults('busy*2,latency=6000*1,http=502@0.5,errcode=45011*1,reset,non-json@0.2')).toEqual([
      { kind: 'busy', times: 2 },
      { kind: 'latency', times: 1, ms: 6000 },
      { kind: 'http', share: 0.5, status: 502 },
      { kind: 'errcode', times: 1, errcode: 45011 },
      { kind: 'reset', times: 1 },
      { kind: 'non-json', share: 0.2 },
    ]);
  });

  it('reads JSON (one rule or an array) and nothing from an empty setting', () => {
    expect(parseFaults('{"kind":"busy","times":3}')).toEqual([{ kind: 'busy', times: 3 }]);
    expect(parseFaults('[{"kind":"http"}]')).toEqual([{ kind: 'http', times: 1, status: 503 }]);
    expect(parseFaults(undefined)).toEqual([]);
    expect(parseFaults('  ')).toEqual([]);
  });

  it.each([
    ['explode*1', /kind must be one of/],
    ['busy*0', /times must be a positive integer/],
    ['busy@1.5', /share must be a number from 0 to 1/],
    ['latency*1', /latency needs ms/],
    ['http=200*1', /status from 300 to 599/],
    ['errcode*1', /non-zero integer errcode/],
    ['busy**', /cannot read fault/],
    ['[oops', /not valid JSON/],
  ])('refuses %s with a clear reason', (text, reason) => {
    expect(() => parseFaults(text)).toThrow(SimFaultError);
    expect(() => parseFaults(text)).toThrow(reason);
  });

  it('a times rule fires for exactly the next N calls, then leaves', () => {
    const plan = new FaultPlan([normalizeFault({ kind: 'busy', times: 2 })]);
    expect(plan.next().answer?.kind).toBe('busy');
    expect(plan.next().answer?.kind).toBe('busy');
    expect(plan.next()).toEqual({ delayMs: 0 });
    expect(plan.list()).toEqual([]);
    expect(plan.injected).toBe(2);
  });

  it('a share rule fires when the dice say so and stays', () => {
    const rolls = [0.1, 0.9, 0.29, 0.3];
    const plan = new FaultPlan([{ kind: 'reset', share: 0.3 }], () => rolls.shift()!);
    expect([plan.next(), plan.next(), plan.next(), plan.next()].map((d) => d.answer?.kind)).toEqual([
      'reset',
      undefined,
      'reset',
      undefined,
    ]);
    expect(plan.list()).toEqual([{ kind: 'reset', share: 0.3 }]);
  });

  it('latencies add up and combine with the first matching answer; later answers wait their turn', () => {
    const plan = new FaultPlan(parseFaults('latency=100*1,busy*1,http=500*1,latency=50*1'));
    expect(plan.next()).toEqual({ delayMs: 150, answer: { kind: 'busy', times: 0 } });
    expect(plan.next()).toEqual({ delayMs: 0, answer: { kind: 'http', times: 0, status: 500 } });
    expect(plan.next()).toEqual({ delayMs: 0 });
  });

  it('clear() drops every rule', () => {
    const plan = new FaultPlan(parseFaults('busy*5'));
    plan.clear();
    expect(plan.next()).toEqual({ delayMs: 0 });
  });
});
