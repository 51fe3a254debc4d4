import { BadRequestException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { EnvelopeExceptionFilter } from '../../src/http/filters/envelope-exception.filter';
import { SignedRoute } from '../../src/http/assist-route.decorator';
import { AssistController } from '../../src/http/assist.controller';
import { ChannelAuthController } from '../../src/http/channel-auth.controller';
import { declaredRouteNames, routeNameOfPath } from '../../src/http/route-name';
import { AssistException } from '../../src/kernel/assist.exception';
import { AssistLogger } from '../../src/kernel/assist.logger';
import { AssistMetrics } from '../../src/kernel/assist.metrics';
import { AssistErrorCode } from '../../../wire/src/error-codes';
import { requestContext } from '../../src/kernel/request-context';
import { httpContext, jsonRequest, RecordingLogger, RecordingMetrics } from '../../../../test/support/fakes';

/** The adapter's reply, as the filter calls it: (response, body, status). */
interface Reply {
  res: object;
  body: unknown;
  status: number | undefined;
}

/** Handlers as the relay's controllers declare them: the route name is their metadata. */
class Routes {
  @SignedRoute('getWxAccessToken')
  getWxAccessToken(): void {}
  @SignedRoute('getAlipayUserId')
  getAlipayUserId(): void {}
  @SignedRoute('getWxMiniOpenId')
  getWxMiniOpenId(): void {}
  unnamed(): void {}
}

describe('EnvelopeExceptionFilter (unit: fake HttpAdapterHost, recording logger and metrics)', () => {
  let filter: EnvelopeExceptionFilter;
  let replies: Reply[];
  let headers: Array<[string, string]>;
  let logger: RecordingLogger;
  let metrics: RecordingMetrics;

  beforeEach(async () => {
    replies = [];
    headers = [];
    logger = new RecordingLogger();
    metrics = new RecordingMetrics();
    const adapterHost = {
      httpAdapter: {
        reply: (res: object, body: unknown, status?: number) => replies.push({ res, body, status }),
        setHeader: (_res: object, name: string, value: string) => headers.push([name, value]),
      },
    };
    const moduleRef = await Test.createTestingModule({
      providers: [
        EnvelopeExceptionFilter,
        { provide: HttpAdapterHost, useValue: adapterHost },
        { provide: AssistLogger, useValue: logger },
        { provide: AssistMetrics, useValue: metrics },
      ],
    }).compile();
    filter = moduleRef.get(EnvelopeExceptionFilter);
  });

  /** Runs the filter on `exception` for a request to `url`; returns the request and the one reply. */
  function fail(
    exception: unknown,
    handler: (...args: never[]) => unknown = Routes.prototype.getWxAccessToken,
  ): { req: object; res: object; reply: Reply } {
    const req = jsonRequest({}, '/unipay/assist/any');
    const res = { fake: 'response' };
    filter.catch(exception, httpContext(req, Routes, handler, res));
    expect(replies).toHaveLength(1);
    // No failure answer is kept by any cache either.
    expect(headers.at(-1)).toEqual(['Cache-Control', 'no-store']);
    return { req, res, reply: replies[0] };
  }

  it('answers an AssistException with its code and message, data null, the request’s traceId, HTTP 200, on the response it was given', () => {
    const { req, res, reply } = fail(
      new AssistException(AssistErrorCode.BAD_SIGN, 'signature verification failed (HMAC_SHA256)'),
    );
    expect(reply).toEqual({
      res,
      status: 200,
      body: {
        code: 20052,
        msg: 'signature verification failed (HMAC_SHA256)',
        data: null,
        traceId: requestContext(req).traceId,
      },
    });
  });

  it('logs a caller error as request.rejected (code, reason) and counts it for the route', () => {
    const { req } = fail(AssistException.invalidField('code', 'is required'));
    expect(logger.lines).toEqual([
      {
        level: 'log',
        traceId: requestContext(req).traceId,
        event: 'request.rejected',
        fields: { code: 10006, reason: 'code: is required' },
      },
    ]);
    expect(metrics.calls).toEqual([['request', 'getWxAccessToken', 10006]]);
  });

  it('answers an unexpected error 10001 "internal error" without its message, and logs it as request.failed (error level)', () => {
    const { req, reply } = fail(new TypeError('cannot read x of undefined: secret-ish detail'));
    expect(reply.body).toEqual({
      code: 10001,
      msg: 'internal error',
      data: null,
      traceId: requestContext(req).traceId,
    });
    expect(JSON.stringify(reply.body)).not.toContain('secret-ish');
    expect(logger.lines).toEqual([
      {
        level: 'error',
        traceId: requestContext(req).traceId,
        event: 'request.failed',
        fields: { error: 'TypeError', reason: 'cannot read x of undefined: secret-ish detail' },
      },
    ]);
    expect(metrics.calls).toEqual([['request', 'getWxAccessToken', 10001]]);
  });

  it('a thrown non-Error is still 10001, logged by its type', () => {
    fail('a string');
    expect(logger.lines[0]).toMatchObject({ level: 'error', event: 'request.failed', fields: { error: 'string' } });
  });

  it.each([
    ['413', 29007, new PayloadTooLargeException()],
    ['a Fastify 415', 29008, Object.assign(new Error('Unsupported Media Type'), { statusCode: 415 })],
    ['a SyntaxError (JSON.parse)', 10005, new SyntaxError('Unexpected token')],
    ['a rate-limit 429', 29063, Object.assign(new Error('Too Many Requests'), { status: 429 })],
    // Inside a route a bare 4xx came from the host's own guard or pipe: its refusal, never read as bad JSON.
    ['a bare 400 from a host pipe', 29900, new BadRequestException('host says no')],
    ['a bare 404 from a host guard', 29900, new NotFoundException()],
  ])('in a route, maps %s to %d', (_label, code, exception) => {
    const { reply } = fail(exception);
    expect(reply.body).toMatchObject({ code, data: null });
    expect(reply.status).toBe(200);
    expect(JSON.stringify(reply.body)).not.toContain('host says no');
  });

  it.each([
    ['a bare 400 (the body parser)', 10005, new BadRequestException()],
    ['a 404 (no route matched)', 29009, new NotFoundException()],
  ])('before routing (PreRouteErrors), maps %s to %d', (_label, code, exception) => {
    filter.reply(exception, jsonRequest({}), {}, 'pre-route');
    expect(replies[0].body).toMatchObject({ code, data: null });
  });

  it('counts a replay in the replay counter too, and only a replay', () => {
    fail(new AssistException(AssistErrorCode.REPLAYED, 'replayed request'));
    expect(metrics.calls).toEqual([['request', 'getWxAccessToken', 10007], ['replayRejected']]);
    replies.length = 0;
    metrics.calls.length = 0;
    fail(new AssistException(AssistErrorCode.BAD_SIGN, 'bad sign'));
    expect(metrics.calls).toEqual([['request', 'getWxAccessToken', 20052]]);
  });

  it('labels a failure with the route its handler declares, for every channel’s routes', () => {
    fail(new AssistException(AssistErrorCode.BAD_SIGN, 'bad sign'), Routes.prototype.getAlipayUserId);
    replies.length = 0;
    fail(AssistException.invalidField('code', 'is required'), Routes.prototype.getWxMiniOpenId);
    expect(metrics.calls).toEqual([
      ['request', 'getAlipayUserId', 20052],
      ['request', 'getWxMiniOpenId', 10006],
    ]);
  });

  it('labels "other" what reached no relay route: before routing, or a handler without route metadata (bounded labels)', () => {
    filter.reply(new NotFoundException(), jsonRequest({}, '/unipay/assist/no-such-route'), {}, 'pre-route');
    replies.length = 0;
    fail(new AssistException(AssistErrorCode.BAD_SIGN, 'bad sign'), Routes.prototype.unnamed);
    expect(metrics.calls).toEqual([
      ['request', 'other', 29009],
      ['request', 'other', 20052],
    ]);
  });

  it('the traceId is the one the request already has (the guard’s and the logs’), not a new one', () => {
    const req = jsonRequest({});
    const { traceId } = requestContext(req);
    filter.reply(new AssistException(AssistErrorCode.UNKNOWN_MERCHANT, 'unknown merchant'), req, {});
    expect(replies[0].body).toMatchObject({ code: 20023, traceId });
    expect(logger.lines[0].traceId).toBe(traceId);
  });
});

describe('route names from the route metadata', () => {
  it('lists the names the relay controllers declare, and names a path by its last segment only when declared', () => {
    const names = declaredRouteNames(AssistController, ChannelAuthController);
    expect([...names].sort()).toEqual(
      [
        'auth',
        'authAndSet',
        'generateAuthUrl',
        'getAlipayAuthUrl',
        'getAlipayUserId',
        'getWxAccessToken',
        'getWxAuthUrl',
        'getWxMiniOpenId',
      ].sort(),
    );
    expect(routeNameOfPath('/unipay/assist/getAlipayUserId', names)).toBe('getAlipayUserId');
    expect(routeNameOfPath('/api/unipay/assist/channel/auth/authAndSet', names)).toBe('authAndSet');
    expect(routeNameOfPath('/unipay/assist/getWxOpenId', names)).toBe('other');
  });
});
