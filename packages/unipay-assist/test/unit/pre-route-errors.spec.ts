import { RequestMethod } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { ExcludeRouteMetadata } from '@nestjs/core/router/interfaces/exclude-route-metadata.interface';
import { Test } from '@nestjs/testing';
import { EnvelopeExceptionFilter } from '../../src/http/filters/envelope-exception.filter';
import { PreRouteErrors } from '../../src/http/filters/pre-route-errors';
import { ASSIST_ROUTE_PREFIX } from '../../src/kernel/route-prefix';
import { AssistLogger } from '../../src/kernel/assist.logger';
import { requestContext } from '../../src/kernel/request-context';
import { RecordingLogger } from '../../../../test/support/fakes';

type ErrorHandler = (err: unknown, req: object, res: object, next?: unknown) => unknown;
type NotFoundHandler = (req: object, res: object, next?: unknown) => unknown;

/**
 * The two hooks Nest's adapters expose (and call once, after onModuleInit),
 * plus the reply the envelope goes out through; records what was installed.
 */
class FakeAdapter {
  installedError?: ErrorHandler;
  installedErrorPrefix?: string;
  installedNotFound?: NotFoundHandler;
  readonly replies: Array<{ res: object; body: unknown; status?: number }> = [];

  setErrorHandler(handler: ErrorHandler, prefix?: string): void {
    this.installedError = handler;
    this.installedErrorPrefix = prefix;
  }
  installedNotFoundArgs: unknown[] = [];
  setNotFoundHandler(handler: NotFoundHandler, ...rest: unknown[]): void {
    this.installedNotFound = handler;
    this.installedNotFoundArgs = rest;
  }
  reply(res: object, body: unknown, status?: number): void {
    this.replies.push({ res, body, status });
  }
  readonly headers: Array<[string, string]> = [];
  setHeader(_res: object, name: string, value: string): void {
    this.headers.push([name, value]);
  }
}

/** What Nest's own handlers received, to prove other paths reach them unchanged. */
class NestHandlers {
  readonly errors: unknown[][] = [];
  readonly notFound: unknown[][] = [];
  // Express tells error middleware by its four parameters: Nest's own handler has them too.
  readonly error: ErrorHandler = (err, req, res, next) => this.errors.push([err, req, res, next]);
  readonly missing: NotFoundHandler = (req, res, next) => this.notFound.push([req, res, next]);
}

interface MountOptions {
  globalPrefix?: string;
  /** The host's `setGlobalPrefix(prefix, { exclude })`, as Nest stores it. */
  exclude?: ExcludeRouteMetadata[];
  adapter?: object | undefined;
  routePrefix?: string;
}

async function mount(options: MountOptions) {
  const config = new ApplicationConfig();
  if (options.globalPrefix) config.setGlobalPrefix(options.globalPrefix);
  if (options.exclude) config.setGlobalPrefixOptions({ exclude: options.exclude });
  const adapter = 'adapter' in options ? options.adapter : new FakeAdapter();
  const moduleRef = await Test.createTestingModule({
    providers: [
      PreRouteErrors,
      EnvelopeExceptionFilter,
      { provide: HttpAdapterHost, useValue: { httpAdapter: adapter } },
      { provide: ApplicationConfig, useValue: config },
      { provide: AssistLogger, useValue: new RecordingLogger() },
      { provide: ASSIST_ROUTE_PREFIX, useValue: options.routePrefix ?? 'unipay/assist' },
    ],
  }).compile();
  // onModuleInit: wraps the adapter's two setters before Nest calls them.
  await moduleRef.init();
  return { moduleRef, adapter };
}

/** Mounts, then installs Nest's handlers the way Nest does after init. */
async function installed(options: Omit<MountOptions, 'adapter'> = {}) {
  const { adapter } = await mount(options);
  const fake = adapter as FakeAdapter;
  const nest = new NestHandlers();
  fake.setErrorHandler(nest.error, options.globalPrefix);
  fake.setNotFoundHandler(nest.missing);
  return { fake, nest, onError: fake.installedError!, onNotFound: fake.installedNotFound! };
}

const req = (url: string, originalUrl?: string) => ({ url, ...(originalUrl && { originalUrl }), headers: {} });

describe('PreRouteErrors (unit: a fake adapter’s setErrorHandler / setNotFoundHandler)', () => {
  describe('without a global prefix', () => {
    it.each([
      '/unipay/assist/getWxAuthUrl',
      '/unipay/assist/getWxAccessToken?x=1',
      '/unipay/assist',
      '/unipay/assist/',
    ])('a body-parser error under our prefix (%s) gets the envelope, not Nest’s handler', async (url) => {
      const { fake, nest, onError } = await installed();
      const r = req(url);
      const res = { id: 'res' };
      onError(Object.assign(new SyntaxError('Unexpected token'), { status: 400 }), r, res, () => undefined);
      expect(fake.replies).toEqual([
        {
          res,
          status: 200,
          body: { code: 10005, msg: 'body is not valid JSON', data: null, traceId: requestContext(r).traceId },
        },
      ]);
      expect(nest.errors).toEqual([]);
    });

    it.each(['/elsewhere', '/unipay/assistant', '/x/unipay/assist/getWxAuthUrl', '/'])(
      'an error on another path (%s) reaches Nest’s handler with the same arguments, and no envelope',
      async (url) => {
        const { fake, nest, onError } = await installed();
        const err = new Error('host error');
        const r = req(url);
        const res = {};
        const next = () => undefined;
        onError(err, r, res, next);
        expect(nest.errors).toEqual([[err, r, res, next]]);
        expect(fake.replies).toEqual([]);
      },
    );

    it('an unknown route under our prefix is 29009; elsewhere Nest’s not-found handler answers', async () => {
      const { fake, nest, onNotFound } = await installed();
      onNotFound(req('/unipay/assist/getWxOpenId'), {});
      expect(fake.replies).toHaveLength(1);
      expect(fake.replies[0].body).toMatchObject({
        code: 29009,
        data: null,
        msg: expect.stringMatching(/POST getWxAccessToken or getWxAuthUrl/),
      });
      const other = req('/host/page');
      const next = () => undefined;
      onNotFound(other, {}, next);
      expect(nest.notFound).toEqual([[other, {}, next]]);
      expect(fake.replies).toHaveLength(1);
    });

    it('reads originalUrl before url (an Express sub-app rewrites url)', async () => {
      const { fake, nest, onNotFound } = await installed();
      onNotFound(req('/getWxOpenId', '/unipay/assist/getWxOpenId'), {});
      expect(fake.replies).toHaveLength(1);
      onNotFound(req('/unipay/assist/x', '/mounted/elsewhere'), {});
      expect(nest.notFound).toHaveLength(1);
    });

    it('keeps the error handler four-parameter (Express error middleware) and passes the prefix on', async () => {
      const { fake, onError } = await installed();
      expect(onError.length).toBe(4);
      expect(fake.installedErrorPrefix).toBeUndefined();
    });
  });

  describe('under a global prefix', () => {
    it('ours only under it: the unprefixed path is the host’s (its 404, its filter), as is everything else', async () => {
      const { fake, nest, onError, onNotFound } = await installed({ globalPrefix: 'api' });
      onNotFound(req('/api/unipay/assist/nope'), {});
      expect(fake.replies.map((r) => (r.body as { code: number }).code)).toEqual([29009]);
      onNotFound(req('/unipay/assist/nope'), {});
      onNotFound(req('/api/orders/7'), {});
      onError(new Error('x'), req('/api/v1/unipay/assist/y'), {});
      expect(nest.notFound).toHaveLength(2);
      expect(nest.errors).toHaveLength(1);
      expect(fake.replies).toHaveLength(1);
    });

    it('ours only without it when the host’s exclude list covers the relay’s routes', async () => {
      const exclude = [
        { path: 'unipay/assist/*path', requestMethod: RequestMethod.ALL, pathRegex: /^\/unipay\/assist\/.*$/ },
      ];
      const { fake, nest, onNotFound } = await installed({ globalPrefix: 'api', exclude });
      onNotFound(req('/unipay/assist/nope'), {});
      expect(fake.replies).toHaveLength(1);
      onNotFound(req('/api/unipay/assist/nope'), {});
      expect(nest.notFound).toHaveLength(1);
    });

    it('passes the prefix Nest gives on to the adapter unchanged', async () => {
      const { fake } = await installed({ globalPrefix: 'api' });
      expect(fake.installedErrorPrefix).toBe('api');
    });
  });

  it('a custom route prefix is the one answered', async () => {
    const { adapter } = await mount({ routePrefix: '/pay/wx/' });
    const fake = adapter as FakeAdapter;
    const nest = new NestHandlers();
    fake.setNotFoundHandler(nest.missing);
    fake.installedNotFound!(req('/pay/wx/nope'), {});
    fake.installedNotFound!(req('/unipay/assist/nope'), {});
    expect(fake.replies).toHaveLength(1);
    expect(nest.notFound).toHaveLength(1);
  });

  it('no HTTP adapter (a standalone app): nothing to wrap, no error', async () => {
    await expect(mount({ adapter: undefined })).resolves.toBeDefined();
  });

  it('an adapter with only one of the two hooks: wraps that one and leaves the other alone', async () => {
    const onlyNotFound = {
      setNotFoundHandler: (h: NotFoundHandler) => (installedHandler = h),
      reply: () => undefined,
      setHeader: () => undefined,
    };
    let installedHandler: NotFoundHandler | undefined;
    await mount({ adapter: onlyNotFound });
    const nest = new NestHandlers();
    onlyNotFound.setNotFoundHandler(nest.missing);
    expect(installedHandler).not.toBe(nest.missing);
    expect(onlyNotFound).not.toHaveProperty('setErrorHandler');
  });

  it('passes every argument after the handler on untouched (platform-express 12 adds the excluded routes)', async () => {
    const { adapter } = await mount({ globalPrefix: 'api' });
    const fake = adapter as FakeAdapter;
    const nest = new NestHandlers();
    const excludedRoutes = [{ path: '/health', requestMethod: 1, pathRegex: /^\/health$/ }];
    fake.setNotFoundHandler(nest.missing, 'api', excludedRoutes);
    expect(fake.installedNotFound).not.toBe(nest.missing);
    expect(fake.installedNotFoundArgs).toEqual(['api', excludedRoutes]);
    expect(fake.installedNotFoundArgs[1]).toBe(excludedRoutes);
  });
});
