import { AlipayFaultPlan, normalizeAlipayFault, parseAlipayFaults } from '../../src/alipay-sim-faults';
import { SimFaultError } from '../../src/sim-faults';

describe('Alipay simulator faults', () => {
  it('normalises rules: times defaults to 1, share alone stands, sub-code needs a sub code', () => {
    expect(normalizeAlipayFault({ kind: 'bad-sign' })).toEqual({ kind: 'bad-sign', times: 1 });
    expect(normalizeAlipayFault({ kind: 'unsigned', share: 0.5 })).toEqual({ kind: 'unsigned', share: 0.5 });
    expect(normalizeAlipayFault({ kind: 'sub-code', subCode: 'isv.invalid-app-id', code: 40002, times: 2 })).toEqual({
      kind: 'sub-code',
      subCode: 'isv.invalid-app-id',
      code: '40002',
      times: 2,
    });
  });

  it.each([
    [{ kind: 'busy' }, /kind must be one of sub-code, bad-sign, unsigned/],
    [{ kind: 'bad-sign', times: 0 }, /times must be a positive integer/],
    [{ kind: 'bad-sign', share: 2 }, /share must be a number from 0 to 1/],
    [{ kind: 'sub-code' }, /sub-code needs subCode/],
    [{ kind: 'sub-code', subCode: 'isv.x', code: '4' }, /5-digit/],
    [[], /must be an object/],
  ])('refuses %j', (input, message) => {
    expect(() => normalizeAlipayFault(input)).toThrow(SimFaultError);
    expect(() => normalizeAlipayFault(input)).toThrow(message);
  });

  it('parses the compact form', () => {
    expect(parseAlipayFaults('bad-sign*2, sub-code=isv.invalid-app-id*1,unsigned@0.25')).toEqual([
      { kind: 'bad-sign', times: 2 },
      { kind: 'sub-code', subCode: 'isv.invalid-app-id', times: 1 },
      { kind: 'unsigned', share: 0.25 },
    ]);
    expect(parseAlipayFaults(undefined)).toEqual([]);
    expect(() => parseAlipayFaults('bad sign')).toThrow(/cannot read Alipay fault/);
  });

  it('a plan fires times rules in order, then share rules by the dice, and counts what it injected', () => {
    const dice = [0.1, 0.9];
    const plan = new AlipayFaultPlan(
      [
        { kind: 'bad-sign', times: 1 },
        { kind: 'unsigned', share: 0.5 },
      ],
      () => dice.shift() ?? 0.99,
    );
    expect(plan.next()).toEqual({ kind: 'bad-sign', times: 0 });
    expect(plan.list()).toEqual([{ kind: 'unsigned', share: 0.5 }]);
    expect(plan.next()?.kind).toBe('unsigned');
    expect(plan.next()).toBeUndefined();
    expect(plan.injected).toBe(2);
    plan.clear();
    expect(plan.list()).toEqual([]);
  });
});
