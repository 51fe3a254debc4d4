import { Test } from '@nestjs/testing';
import { lastValueFrom, of, throwError } from 'rxjs';
import { SignedRoute } from '../../src/http/assist-route.decorator';
import { WxAuthUrlDto } from '../../src/http/dto/wx-auth-url.dto';
import { EnvelopeInterceptor } from '../../src/http/envelope/envelope.interceptor';
import { AssistException } from '../../src/kernel/assist.exception';
import { AssistLogger } from '../../src/kernel/assist.logger';
import { AssistMetrics } from '../../src/kernel/assist.metrics';
import { ASSIST_CLOCK } from '../../src/kernel/clock';
import { AssistErrorCode } from '../../../wire/src/error-codes';
import { requestContext } from '../../src/kernel/request-context';
import { SignableFields } from '../../../wire/src/signing/sign-string';
import { verify } from '../../../wire/src/signing/signature';
import { httpContext, jsonRequest, merchant, RecordingLogger, RecordingMetrics } from '../../../../test/support/fakes';
import { TestClock } from '../../../../test/support/test-clock';

const NOW = 1_718_000_123;
const M1 = merchant({
  mchNo: 'M1',
  wechat: { appId: 'wx0unit0envelope', appSecret: 'unit-wechat-secret' },
  signSecret: ['new-secret', 'old-secret'],
});

class Routes {
  @SignedRoute('getWxAuthUrl', WxAuthUrlDto)
  getWxAuthUrl(): void {}

  unmarked(): void {}
}

describe('EnvelopeInterceptor (unit: testing module, recording logger and metrics, pinned ASSIST_CLOCK)', () => {
  let interceptor: EnvelopeInterceptor;
  let logger: RecordingLogger;
  let metrics: RecordingMetrics;
  let clock: TestClock;

  beforeEach(async () => {
    logger = new RecordingLogger();
    metrics = new RecordingMetrics();
    clock = TestClock.at(NOW);
    const moduleRef = await Test.createTestingModule({
      providers: [
        EnvelopeInterceptor,
        { provide: AssistLogger, useValue: logger },
        { provide: AssistMetrics, useValue: metrics },
        { provide: ASSIST_CLOCK, useValue: clock },
      ],
    }).compile();
    interceptor = moduleRef.get(EnvelopeInterceptor);
  });

  /** A request the SignatureGuard let through with `secretIndex`. */
  function verifiedRequest(secretIndex?: number): object {
    const req = jsonRequest({});
    Object.assign(requestContext(req), { merchant: M1, secretIndex });
    return req;
  }

  const answer = (
    req: object,
    data: Record<string, unknown>,
    handler: (...args: never[]) => unknown = Routes.prototype.getWxAuthUrl,
  ) => lastValueFrom(interceptor.intercept(httpContext(req, Routes, handler), { handle: () => of(data) }));

  it('wraps the handler’s data as {code: 0, msg, data, traceId}, adding resTime from the clock and the sign', async () => {
    const req = verifiedRequest(0);
    const out = await answer(req, { code: 0, url: 'https://open.example/authorize' });
    expect(out).toEqual({
      code: 0,
      msg: 'success',
      data: {
        code: 0,
        url: 'https://open.example/authorize',
        resTime: NOW,
        sign: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
      traceId: requestContext(req).traceId,
    });
  });

  it('resTime is the clock’s now, to the second', async () => {
    clock.pin(NOW + 3600);
    const out = (await answer(verifiedRequest(0), { code: 0 })) as { data: { resTime: number } };
    expect(out.data.resTime).toBe(NOW + 3600);
  });

  it.each([
    [0, 'new-secret', 'old-secret'],
    [1, 'old-secret', 'new-secret'],
  ])('secretIndex %d: signed with %s (the one that verified the request), not %s', async (index, used, other) => {
    const out = (await answer(verifiedRequest(index), { code: 0, url: 'u' })) as { data: SignableFields };
    expect(verify(out.data, 'HMAC_SHA256', [used])).toBe(0);
    expect(verify(out.data, 'HMAC_SHA256', [other])).toBe(-1);
  });

  it('no secretIndex recorded: signs with the first secret', async () => {
    const out = (await answer(verifiedRequest(undefined), { code: 0 })) as { data: SignableFields };
    expect(verify(out.data, 'HMAC_SHA256', ['new-secret'])).toBe(0);
  });

  it('a sign the handler put in data is replaced, never signed over', async () => {
    const out = (await answer(verifiedRequest(0), { code: 0, sign: 'forged' })) as {
      data: SignableFields & { sign: string };
    };
    expect(out.data.sign).not.toBe('forged');
    expect(verify(out.data, 'HMAC_SHA256', ['new-secret'])).toBe(0);
  });

  it('counts one success for the route and writes the default success line', async () => {
    const req = verifiedRequest(0);
    await answer(req, { code: 0 });
    expect(metrics.calls).toEqual([['request', 'getWxAuthUrl', AssistErrorCode.SUCCESS]]);
    expect(logger.lines).toEqual([
      {
        level: 'log',
        traceId: requestContext(req).traceId,
        event: 'request.answered',
        fields: { route: 'getWxAuthUrl', mchNo: 'M1', dialect: 'daxpay-2.0.6' },
      },
    ]);
  });

  it('writes the line the business left in ctx.answered (its event and safe fields), with route and mchNo', async () => {
    const req = verifiedRequest(0);
    requestContext(req).answered = {
      event: 'wechat.exchanged',
      fields: { code: '0123456789ab', openId: 'oABC…wxyz', source: 'wechat' },
    };
    await answer(req, { code: 0, openId: 'oABCDEFGHwxyz', accessToken: 'AT' });
    expect(logger.lines).toEqual([
      {
        level: 'log',
        traceId: requestContext(req).traceId,
        event: 'wechat.exchanged',
        fields: {
          route: 'getWxAuthUrl',
          mchNo: 'M1',
          dialect: 'daxpay-2.0.6',
          code: '0123456789ab',
          openId: 'oABC…wxyz',
          source: 'wechat',
        },
      },
    ]);
  });

  it('a business failure (data.code 1) is still an envelope success, signed and counted as code 0', async () => {
    const out = (await answer(verifiedRequest(0), {
      code: 1,
      msg: 'the OAuth code is invalid (WeChat errcode 40029)',
      wxErrcode: 40029,
    })) as {
      code: number;
      data: SignableFields;
    };
    expect(out.code).toBe(0);
    expect(out.data).toMatchObject({ code: 1, msg: 'the OAuth code is invalid (WeChat errcode 40029)', resTime: NOW });
    expect(verify(out.data, 'HMAC_SHA256', ['new-secret'])).toBe(0);
    expect(metrics.calls).toEqual([['request', 'getWxAuthUrl', 0]]);
  });

  it('a handler without route metadata is counted as route "other"', async () => {
    await answer(verifiedRequest(0), { code: 0 }, Routes.prototype.unmarked);
    expect(metrics.calls).toEqual([['request', 'other', 0]]);
  });

  it('refuses to answer without a merchant (no SignatureGuard in front): 10001, nothing signed, counted or logged', async () => {
    const err = await answer(jsonRequest({}), { code: 0, url: 'u' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AssistException);
    expect((err as AssistException).code).toBe(AssistErrorCode.INTERNAL);
    expect((err as AssistException).message).toMatch(/SignatureGuard/);
    expect(metrics.calls).toEqual([]);
    expect(logger.lines).toEqual([]);
  });

  it('an error from the handler passes through untouched (the exception filter answers it)', async () => {
    const thrown = new AssistException(AssistErrorCode.REDIRECT_NOT_ALLOWED, 'url: host not allowed');
    const ctx = httpContext(verifiedRequest(0), Routes, Routes.prototype.getWxAuthUrl);
    const err = await lastValueFrom(interceptor.intercept(ctx, { handle: () => throwError(() => thrown) })).catch(
      (e: unknown) => e,
    );
    expect(err).toBe(thrown);
    expect(metrics.calls).toEqual([]);
  });
});
