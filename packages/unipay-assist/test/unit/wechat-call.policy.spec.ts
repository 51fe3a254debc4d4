import { AssistException } from '../../src/kernel/assist.exception';
import { AssistErrorCode } from '../../../wire/src/error-codes';
import {
  circuitOpenError,
  createWechatCallPolicy,
  isHostFailure,
  isRetryable,
} from '../../src/exchange/wechat-call.policy';
import { WechatExchangeResult } from '../../src/wechat/wechat-exchange-result';

const OK: WechatExchangeResult = { ok: true, token: { openId: 'o1', accessToken: 'at', expiresIn: 7200 } };
const refused = (errcode: number): WechatExchangeResult => ({ ok: false, errcode, reason: `errcode ${errcode}` });
const fail = (code: number) => new AssistException(code as never, `failure ${code}`);
const T0 = 1_718_000_000_000;

/**
 * cockatiel times an open circuit with Date.now(): fake only Date, so the
 * half-open edge is exact and nothing sleeps (the 1 ms retry pause stays a real timer).
 */
function fakeDateOnly(): void {
  jest.useFakeTimers({
    now: T0,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}

/** Runs `outcomes` in order through the policy; returns what came out and how many calls were made. */
async function run(policy: ReturnType<typeof createWechatCallPolicy>, outcomes: Array<WechatExchangeResult | Error>) {
  let calls = 0;
  try {
    const value = await policy.execute(async () => {
      const o = outcomes[Math.min(calls++, outcomes.length - 1)];
      if (o instanceof Error) throw o;
      return o;
    });
    return { value, calls };
  } catch (err) {
    return { error: circuitOpenError(err) as AssistException, calls };
  }
}

describe('WeChat call policy (cockatiel)', () => {
  const options = { retryDelayMs: 1, breakerThreshold: 3, breakerHalfOpenMs: 200 };
  beforeEach(fakeDateOnly);
  afterEach(() => jest.useRealTimers());

  it('retries once, and only, a network failure or errcode -1', () => {
    expect(isRetryable(fail(AssistErrorCode.UPSTREAM_UNREACHABLE))).toBe(true);
    expect(isRetryable(refused(-1))).toBe(true);
    for (const code of [29302, 29303, 29304]) expect(isRetryable(fail(code))).toBe(false);
    for (const errcode of [40029, 40163, 42003, 45011, 40125]) expect(isRetryable(refused(errcode))).toBe(false);
    expect(isRetryable(OK)).toBe(false);
  });

  it('counts transport failures and -1 against the host, never code errors or 45011', () => {
    for (const code of [29301, 29302, 29303, 29304]) expect(isHostFailure(fail(code))).toBe(true);
    expect(isHostFailure(refused(-1))).toBe(true);
    for (const errcode of [40029, 40163, 42003, 45011]) expect(isHostFailure(refused(errcode))).toBe(false);
  });

  it.each([
    ['reset then success', [fail(29301), OK], { value: OK, calls: 2 }],
    ['-1 then success', [refused(-1), OK], { value: OK, calls: 2 }],
    ['-1 twice: the -1 answer after one retry', [refused(-1), refused(-1), OK], { value: refused(-1), calls: 2 }],
    ['reset twice: 29301 after one retry', [fail(29301), fail(29301), OK], { errorCode: 29301, calls: 2 }],
    ['timeout: no retry', [fail(29302), OK], { errorCode: 29302, calls: 1 }],
    ['HTTP 5xx: no retry', [fail(29304), OK], { errorCode: 29304, calls: 1 }],
    ['garbage: no retry', [fail(29303), OK], { errorCode: 29303, calls: 1 }],
    ['code used: no retry', [refused(40163), OK], { value: refused(40163), calls: 1 }],
  ])('%s', async (_name, outcomes, expected) => {
    const got = await run(createWechatCallPolicy({ ...options, breakerThreshold: 10 }), outcomes);
    expect(got.calls).toBe(expected.calls);
    if ('errorCode' in expected) expect(got.error?.code).toBe(expected.errorCode);
    else expect(got.value).toEqual(expected.value);
  });

  it('opens after N consecutive host failures, fails fast with 29305, probes once and closes', async () => {
    const events: string[] = [];
    const policy = createWechatCallPolicy(options, {
      onBreak: () => events.push('open'),
      onHalfOpen: () => events.push('half-open'),
      onReset: () => events.push('closed'),
    });
    // Two failing attempts (a retried reset), then one more: three in a row.
    expect((await run(policy, [fail(29301), fail(29301)])).calls).toBe(2);
    expect((await run(policy, [fail(29304)])).calls).toBe(1);
    expect(events).toEqual(['open']);
    const fast = await run(policy, [OK]);
    expect(fast).toMatchObject({ calls: 0 });
    expect(fast.error?.code).toBe(AssistErrorCode.UPSTREAM_CIRCUIT_OPEN);
    // 1 ms before the half-open delay: still failing fast.
    jest.setSystemTime(T0 + options.breakerHalfOpenMs - 1);
    expect(await run(policy, [OK])).toMatchObject({ calls: 0 });
    expect(events).toEqual(['open']);
    jest.setSystemTime(T0 + options.breakerHalfOpenMs);
    expect(await run(policy, [OK])).toEqual({ value: OK, calls: 1 });
    expect(events).toEqual(['open', 'half-open', 'closed']);
  });

  it('a failed probe opens the circuit again', async () => {
    const policy = createWechatCallPolicy({ ...options, breakerThreshold: 1 });
    await run(policy, [fail(29304)]);
    jest.setSystemTime(T0 + options.breakerHalfOpenMs);
    expect((await run(policy, [fail(29304)])).calls).toBe(1);
    const fast = await run(policy, [OK]);
    expect(fast.calls).toBe(0);
    expect(fast.error?.code).toBe(29305);
  });
});
