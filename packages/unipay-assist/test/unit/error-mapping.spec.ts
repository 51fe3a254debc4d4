import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  NotFoundException,
  PayloadTooLargeException,
} from '@nestjs/common';
import { AssistException } from '../../src/kernel/assist.exception';
import { AssistErrorCode } from '../../../wire/src/error-codes';
import { mapError } from '../../src/http/filters/error-mapping';

describe('mapError', () => {
  it('keeps an AssistException as is', () => {
    expect(mapError(new AssistException(AssistErrorCode.UNKNOWN_MERCHANT, 'unknown merchant'))).toEqual({
      code: 20023,
      msg: 'unknown merchant',
      internal: false,
    });
    expect(mapError(AssistException.invalidField('url', 'must be an absolute http(s) URL'))).toEqual({
      code: 10006,
      msg: 'url: must be an absolute http(s) URL',
      internal: false,
    });
  });

  it.each([
    [
      'Express body-parser: bad JSON',
      Object.assign(new SyntaxError('Unexpected token } in JSON at position 3'), {
        status: 400,
        type: 'entity.parse.failed',
      }),
      10005,
    ],
    [
      'Express body-parser: too large',
      Object.assign(new Error('request entity too large'), { status: 413, statusCode: 413, type: 'entity.too.large' }),
      29007,
    ],
    [
      'Express body-parser: unsupported charset',
      Object.assign(new Error('unsupported charset "X"'), { status: 415 }),
      29008,
    ],
    [
      'Fastify: body too large',
      Object.assign(new Error('Request body is too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }),
      29007,
    ],
    [
      'Fastify: media type',
      Object.assign(new Error('Unsupported Media Type: text/xml'), {
        code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
        statusCode: 415,
      }),
      29008,
    ],
    [
      'Fastify: empty JSON body',
      Object.assign(new Error("Body cannot be empty when content-type is set to 'application/json'"), {
        code: 'FST_ERR_CTP_EMPTY_JSON_BODY',
        statusCode: 400,
      }),
      10005,
    ],
    ['Fastify: bad JSON', Object.assign(new SyntaxError('Unexpected end of JSON input'), { statusCode: 400 }), 10005],
    ['a bare SyntaxError', new SyntaxError('x'), 10005],
    ['Nest NotFoundException', new NotFoundException('Cannot GET /unipay/assist/x'), 29009],
    ['HTTP 405', new HttpException('Method Not Allowed', 405), 29009],
    ['HTTP 429', new HttpException('Too Many Requests', 429), 29063],
    ['Nest PayloadTooLargeException', new PayloadTooLargeException(), 29007],
    ['Nest BadRequestException', new BadRequestException('x'), 10005],
    ['another 4xx (403)', new ForbiddenException(), 10005],
  ])('before routing: %s -> %d, not internal', (_label, err, code) => {
    const mapped = mapError(err, 'pre-route');
    expect(mapped.code).toBe(code);
    expect(mapped.internal).toBe(false);
  });

  it.each([
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['an HTTP 500', new HttpException('boom', 500)],
    ['a thrown string', 'boom'],
    ['undefined', undefined],
    ['null', null],
    ['a status that is not a number', { status: '400' }],
  ])('%s -> 10001 internal error, with no detail', (_label, err) => {
    expect(mapError(err)).toEqual({ code: 10001, msg: 'internal error', internal: true });
  });

  it('never copies the original message of an unknown error (it may hold a secret)', () => {
    const mapped = mapError(new Error('connect to redis://:hunter2@10.0.0.1 failed'));
    expect(mapped.msg).not.toContain('hunter2');
  });

  it.each([
    ['a host guard (401)', new HttpException('Unauthorized', 401)],
    ['a host guard (403)', new ForbiddenException('no')],
    ['a host ValidationPipe (400)', new BadRequestException(['property extra should not exist'])],
    ['a host NotFoundException', new NotFoundException('gone')],
  ])(
    "inside a route, %s is the host's refusal (29900), never a parse error, and its message is not echoed",
    (_label, err) => {
      expect(mapError(err, 'route')).toEqual({
        code: 29900,
        msg: expect.stringMatching(/^refused by the gateway host \(HTTP 4\d\d\)$/),
        internal: false,
      });
    },
  );

  it('inside a route, a parser-shaped error still reads as 10005', () => {
    expect(
      mapError(Object.assign(new SyntaxError('x'), { type: 'entity.parse.failed', status: 400 }), 'route').code,
    ).toBe(10005);
  });
});
