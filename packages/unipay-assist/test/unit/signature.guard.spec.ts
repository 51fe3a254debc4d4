import { Test } from '@nestjs/testing';
import { SignedRoute } from '../../src/http/assist-route.decorator';
import { WxAuthUrlDto } from '../../src/http/dto/wx-auth-url.dto';
import { SignatureGuard } from '../../src/http/guards/signature.guard';
import { AssistException } from '../../src/kernel/assist.exception';
import { AssistLogger } from '../../src/kernel/assist.logger';
import { ASSIST_CLOCK } from '../../src/kernel/clock';
import { AssistErrorCode } from '../../../wire/src/error-codes';
import { requestContext } from '../../src/kernel/request-context';
import { MerchantProvider } from '../../src/merchants/merchant.provider';
import { REPLAY_OPTIONS } from '../../src/replay/replay.options';
import { ReplayAnswers } from '../../src/replay/replay-answers';
import { ReplayStore } from '../../src/replay/replay.store';
import { SignType } from '../../../wire/src/signing/sign-type';
import { withSign } from '../../../wire/src/signing/signature';
import {
  FakeMerchants,
  FakeRequest,
  httpContext,
  jsonRequest,
  merchant,
  RecordingLogger,
  RecordingReplayStore,
} from '../../../../test/support/fakes';
import { TestClock } from '../../../../test/support/test-clock';

const NOW = 1_718_000_000;
const WECHAT = { appId: 'wx0unit0guard', appSecret: 'unit-wechat-secret' };
// Mid-rotation: the new secret first, the old one still accepted.
const M1 = merchant({
  mchNo: 'M1',
  appId: 'A1',
  wechat: WECHAT,
  signSecret: ['new-secret', 'old-secret'],
  reqTimeout: 300,
});
const STRICT = merchant({
  mchNo: 'M_STRICT',
  wechat: WECHAT,
  signSecret: 'strict-secret',
  reqTimeout: 300,
  replay: 'reject',
});
const OPEN = merchant({
  mchNo: 'M_OPEN',
  wechat: WECHAT,
  signSecret: 'open-secret',
  signType: 'MD5',
  signRequired: false,
  reqTimeout: 30,
});

/** A route as the controller declares it: the guard reads the DTO from this metadata. */
class Routes {
  @SignedRoute('getWxAuthUrl', WxAuthUrlDto)
  getWxAuthUrl(): void {}

  unmarked(): void {}
}

const signed = (fields: Record<string, string | number>, secret = 'new-secret', signType: SignType = 'HMAC_SHA256') =>
  withSign({ reqTime: NOW, nonceStr: 'n1', url: 'http://localhost/back', ...fields }, signType, secret);

describe('SignatureGuard (unit: testing module, in-memory fakes, pinned ASSIST_CLOCK)', () => {
  let guard: SignatureGuard;
  let merchants: FakeMerchants;
  let replay: RecordingReplayStore;
  let logger: RecordingLogger;
  let clock: TestClock;

  beforeEach(async () => {
    merchants = new FakeMerchants([M1, OPEN, STRICT]);
    replay = new RecordingReplayStore();
    logger = new RecordingLogger();
    clock = TestClock.at(NOW);
    const moduleRef = await Test.createTestingModule({
      providers: [
        SignatureGuard,
        { provide: MerchantProvider, useValue: merchants },
        { provide: ReplayStore, useValue: replay.store },
        ReplayAnswers,
        // A short wait: a copy of a request still running here gives up fast in these specs.
        { provide: REPLAY_OPTIONS, useValue: { waitMs: 50, pendingTtlMs: 1_050 } },
        { provide: AssistLogger, useValue: logger },
        { provide: ASSIST_CLOCK, useValue: clock },
      ],
    }).compile();
    guard = moduleRef.get(SignatureGuard);
  });

  // As Nest's guard chain calls it: a refusal thrown at once (the in-process path) or later both reject.
  const check = (req: FakeRequest, handler: (...args: never[]) => unknown = Routes.prototype.getWxAuthUrl) =>
    Promise.resolve().then(() => guard.canActivate(httpContext(req, Routes, handler)));

  /** The AssistException the guard refuses `req` with. */
  async function refusal(req: FakeRequest): Promise<AssistException> {
    const err = await check(req).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AssistException);
    return err as AssistException;
  }

  describe('checks body, head, merchant, window, sign, replay, in that order', () => {
    // Every step wrong at once, then fixed one by one: each answer names the first step still wrong.
    const allWrong = { mchNo: 'NOPE', reqTime: NOW - 10_000 };

    it('1 body: a content type other than JSON is 29008 before anything else is read', async () => {
      const req = { ...jsonRequest(signed(allWrong, 'bad')), headers: { 'content-type': 'text/plain' } };
      expect((await refusal(req)).code).toBe(AssistErrorCode.UNSUPPORTED_MEDIA_TYPE);
      expect(merchants.queries).toEqual([]);
    });

    it('1 body: JSON that is not an object is 10005', async () => {
      expect((await refusal(jsonRequest([signed(allWrong)]))).code).toBe(AssistErrorCode.BAD_JSON);
      expect(merchants.queries).toEqual([]);
    });

    it('2 head: a malformed head field is 10006 naming it, before any merchant lookup', async () => {
      const err = await refusal(jsonRequest({ ...signed(allWrong, 'bad'), mchNo: 7 }));
      expect(err.code).toBe(AssistErrorCode.INVALID_FIELD);
      expect(err.message).toMatch(/^mchNo: /);
      expect(merchants.queries).toEqual([]);
    });

    it('3 merchant: an unknown merchant is 20023, before the window is looked at', async () => {
      const err = await refusal(jsonRequest(signed(allWrong, 'bad')));
      expect(err.code).toBe(AssistErrorCode.UNKNOWN_MERCHANT);
      expect(merchants.queries).toEqual([{ mchNo: 'NOPE', appId: undefined }]);
    });

    it('4 window: a stale reqTime is 10006 before the sign is checked (no sign.rejected line)', async () => {
      const err = await refusal(jsonRequest(signed({ mchNo: 'M1', reqTime: NOW - 10_000 }, 'bad')));
      expect(err.code).toBe(AssistErrorCode.INVALID_FIELD);
      expect(err.message).toBe('reqTime: is 10000 s behind the server clock (at most 300 s allowed)');
      expect(logger.events()).toEqual([]);
    });

    it('5 sign: a wrong sign is 20052, logged as sign.rejected, and never reaches the replay store', async () => {
      const req = jsonRequest(signed({ mchNo: 'M1' }, 'bad'));
      const err = await refusal(req);
      expect(err.code).toBe(AssistErrorCode.BAD_SIGN);
      // The sign string expected, by generation and field names: no value, no secret.
      expect(err.message).toBe(
        'signature verification failed (HMAC_SHA256): the relay expected the daxpay-2.0.6 sign string over mchNo, nonceStr, reqTime, url ' +
          '(sorted name=value joined by &, every " and \\ removed, then &key=<secret>, no upper-casing), HMAC_SHA256 in lower-case hex',
      );
      expect(replay.claims()).toEqual([]);
      expect(logger.lines).toEqual([
        {
          level: 'warn',
          traceId: requestContext(req).traceId,
          event: 'sign.rejected',
          fields: { mchNo: 'M1', signType: 'HMAC_SHA256', expected: 'daxpay-2.0.6', marker: 'epoch reqTime' },
        },
      ]);
    });

    it('6 replay (strict merchant): the same signed request a second time is REPLAYED, after a claim for its window', async () => {
      const body = signed({ mchNo: 'M_STRICT' }, 'strict-secret');
      await expect(check(jsonRequest(body))).resolves.toBe(true);
      const err = await refusal(jsonRequest(body));
      expect(err.code).toBe(AssistErrorCode.REPLAYED);
      // Both claims for one hashed key (never the sign itself); ttl = until the window closes, +1 s: (NOW + 300 - NOW + 1) s.
      const [first, second] = replay.claims();
      expect(first).toEqual({ key: second.key, ttlMs: 301_000 });
      expect(second.ttlMs).toBe(301_000);
      expect(first.key).not.toContain(body.sign);
    });

    it('6 replay (answer mode, the default): the first copy gets a claim to settle; a copy while it runs waits, then gives up with 29061', async () => {
      const body = signed({ mchNo: 'M1' });
      const req = jsonRequest(body);
      await expect(check(req)).resolves.toBe(true);
      expect(requestContext(req).replay).toMatchObject({ kind: 'fresh' });
      // The pending claim lives for the run's worst case (wait + claim ttl), not the whole window.
      expect(replay.claims()).toEqual([{ key: expect.any(String), ttlMs: 1_050 }]);
      expect((await refusal(jsonRequest(body))).code).toBe(AssistErrorCode.REPLAY_IN_PROGRESS);
    });

    it('6 replay (answer mode): once the first copy is settled, a copy gets its stored answer in the context', async () => {
      const body = signed({ mchNo: 'M1' });
      const first = jsonRequest(body);
      await check(first);
      const entry = requestContext(first).replay;
      if (entry?.kind !== 'fresh') throw new Error('expected a fresh run');
      const answers = (guard as unknown as { replay: ReplayAnswers }).replay;
      await answers.settle(entry.ticket, { code: 0, msg: 'success', data: { code: 0 }, traceId: 'FIRST' });
      const copy = jsonRequest(body);
      await expect(check(copy)).resolves.toBe(true);
      expect(requestContext(copy).replay).toEqual({
        kind: 'replayed',
        source: 'stored',
        answer: { code: 0, msg: 'success', data: { code: 0 }, traceId: 'FIRST' },
      });
    });
  });

  describe('the reqTime window on the pinned clock, to the second', () => {
    it.each([
      ['60 s ahead', NOW + 60, true],
      ['61 s ahead', NOW + 61, false],
      ['now', NOW, true],
      ['reqTimeout (300 s) behind', NOW - 300, true],
      ['301 s behind', NOW - 301, false],
    ])('%s', async (_label, reqTime, accepted) => {
      const req = jsonRequest(signed({ reqTime }));
      if (accepted) await expect(check(req)).resolves.toBe(true);
      else expect((await refusal(req)).code).toBe(AssistErrorCode.INVALID_FIELD);
    });

    it('moves with the clock: the same request accepted now is stale 301 s later', async () => {
      clock.advance(301);
      const err = await refusal(jsonRequest(signed({ reqTime: NOW })));
      expect(err.message).toBe('reqTime: is 301 s behind the server clock (at most 300 s allowed)');
    });

    it("uses the merchant's own reqTimeout", async () => {
      const body = (reqTime: number) => jsonRequest(signed({ mchNo: 'M_OPEN', reqTime }, 'open-secret', 'MD5'));
      await expect(check(body(NOW - 30))).resolves.toBe(true);
      expect((await refusal(body(NOW - 31))).message).toMatch(/at most 30 s allowed/);
    });
  });

  describe('what it records for the interceptor', () => {
    it.each([
      ['new-secret', 0],
      ['old-secret', 1],
    ])('a request signed with %s: the merchant, and secretIndex %d', async (secret, index) => {
      const req = jsonRequest(signed({ appId: 'A1' }, secret));
      await expect(check(req)).resolves.toBe(true);
      expect(requestContext(req)).toMatchObject({ merchant: M1, secretIndex: index });
    });

    it('the default merchant when the request names none', async () => {
      const req = jsonRequest(signed({}));
      await expect(check(req)).resolves.toBe(true);
      expect(requestContext(req).merchant).toBe(M1);
      expect(merchants.queries).toEqual([{ mchNo: undefined, appId: undefined }]);
    });
  });

  describe('the signed fields are the DTO’s', () => {
    it('an unknown field is not signed: added after signing, the request still verifies', async () => {
      const req = jsonRequest({ ...signed({}), extra: 'not in the DTO' });
      await expect(check(req)).resolves.toBe(true);
    });

    it('a DTO field changed after signing is 20052', async () => {
      expect((await refusal(jsonRequest({ ...signed({}), url: 'http://localhost/other' }))).code).toBe(
        AssistErrorCode.BAD_SIGN,
      );
    });

    it('a handler without route metadata signs the whole body (nothing is dropped blindly)', async () => {
      const req = jsonRequest({ ...signed({}), extra: 'x' });
      const err = await Promise.resolve()
        .then(() => guard.canActivate(httpContext(req, Routes, Routes.prototype.unmarked)))
        .catch((e: unknown) => e);
      expect((err as AssistException).code).toBe(AssistErrorCode.BAD_SIGN);
    });

    it('an object where a field belongs is 10006 naming it, not a sign over nested JSON', async () => {
      const err = await refusal(jsonRequest({ ...signed({}), state: { deep: [1] } }));
      expect(err.code).toBe(AssistErrorCode.INVALID_FIELD);
      expect(err.message).toMatch(/^state: must be a string or a number/);
    });
  });

  describe('signRequired', () => {
    it('true (the default): no sign is 10006 "sign: is required", and nothing is claimed', async () => {
      const err = await refusal(jsonRequest({ reqTime: NOW, url: 'http://localhost/' }));
      expect(err.message).toBe('sign: is required');
      expect(replay.claims()).toEqual([]);
    });

    it('false: no sign passes with secretIndex 0 and no replay claim (there is no sign to remember)', async () => {
      const req = jsonRequest({ mchNo: 'M_OPEN', reqTime: NOW, url: 'http://localhost/' });
      await expect(check(req)).resolves.toBe(true);
      expect(requestContext(req)).toMatchObject({ merchant: OPEN, secretIndex: 0 });
      expect(replay.claims()).toEqual([]);
    });

    it('false: the window still applies, and a sign that is present is still checked', async () => {
      expect((await refusal(jsonRequest({ mchNo: 'M_OPEN', reqTime: NOW - 31, url: 'http://localhost/' }))).code).toBe(
        AssistErrorCode.INVALID_FIELD,
      );
      expect((await refusal(jsonRequest(signed({ mchNo: 'M_OPEN' }, 'wrong', 'MD5')))).code).toBe(
        AssistErrorCode.BAD_SIGN,
      );
      await expect(check(jsonRequest(signed({ mchNo: 'M_OPEN' }, 'open-secret', 'MD5')))).resolves.toBe(true);
    });
  });

  it('a replay store failure propagates as is (the filter maps it; the guard never lets the request through)', async () => {
    const failing = new AssistException(AssistErrorCode.STORE_UNAVAILABLE, 'replay store (Redis) unavailable');
    replay.failWith = failing;
    await expect(check(jsonRequest(signed({})))).rejects.toBe(failing);
  });
});
