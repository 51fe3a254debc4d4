import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Global,
  Inject,
  Injectable,
  INestApplication,
  Module,
  Post,
  Type,
} from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AddressInfo } from 'node:net';
import {
  AssistModule,
  AssistModuleOptions,
  assistConfig,
  Merchant,
  MerchantProvider,
  MerchantQuery,
  normalizeMerchant,
  sign,
  withSign,
} from '../../src';
import { RunningSimulator } from '../../../simulator/src/simulator.server';
import {
  ADAPTERS,
  codeFrom,
  DEMO_MERCHANT,
  DEMO_SECRET,
  DEMO_WECHAT_APP,
  nowSeconds,
  startSimulator,
} from '../../../../test/support/gateway';
import { HttpAdapterName } from '../../../../apps/demo/src/create-demo-app';

/** A host's own routes, to prove the module leaves them alone. */
@Controller('host')
class HostController {
  @Get('ping')
  ping(): { pong: true } {
    return { pong: true };
  }

  @Post('echo')
  echo(@Body() body: unknown): { echo: unknown } {
    return { echo: body };
  }

  @Get('boom')
  boom(): never {
    throw new BadRequestException('host says no');
  }
}

async function listen(root: Type<unknown>, adapter: HttpAdapterName): Promise<{ app: INestApplication; base: string }> {
  const app = await NestFactory.create(root, adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(), {
    logger: false,
    abortOnError: false,
  });
  await app.listen(0, '127.0.0.1');
  return { app, base: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}` };
}

async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

const fresh = (fields: Record<string, string>, secret = DEMO_SECRET) =>
  withSign({ reqTime: nowSeconds(), nonceStr: Math.random().toString(36).slice(2), ...fields }, 'HMAC_SHA256', secret);

/** The whole flow under `prefix`: auth URL, the simulator's redirect, the exchange, the signed answer. */
async function flow(
  base: string,
  prefix: string,
  secret = DEMO_SECRET,
  names: Record<string, string> = {},
): Promise<string> {
  const auth = await call(
    base,
    'POST',
    `/${prefix}/getWxAuthUrl`,
    fresh({ ...names, url: 'http://localhost:3000/cb' }, secret),
  );
  expect(auth.status).toBe(200);
  expect(auth.json).toMatchObject({ code: 0, data: { code: 0 } });
  const code = await codeFrom(auth.json.data.url);
  const token = await call(base, 'POST', `/${prefix}/getWxAccessToken`, fresh({ ...names, code }, secret));
  expect(token.json).toMatchObject({ code: 0, data: { code: 0, openId: expect.stringMatching(/^o/) } });
  const { sign: received, ...unsigned } = token.json.data;
  expect(received).toBe(sign(unsigned, 'HMAC_SHA256', secret));
  return token.json.data.openId;
}

/** The host's routes answer as plain Nest, with Nest's own error bodies. */
async function expectHostUntouched(base: string): Promise<void> {
  expect(await call(base, 'GET', '/host/ping')).toEqual({ status: 200, json: { pong: true } });
  expect(await call(base, 'POST', '/host/echo', { a: 1 })).toEqual({ status: 201, json: { echo: { a: 1 } } });
  const boom = await call(base, 'GET', '/host/boom');
  expect(boom).toEqual({ status: 400, json: { statusCode: 400, message: 'host says no', error: 'Bad Request' } });
  const missing = await call(base, 'GET', '/host/missing');
  expect(missing.status).toBe(404);
  expect(missing.json).toMatchObject({ statusCode: 404 });
  expect(missing.json).not.toHaveProperty('traceId');
  const badJson = await call(base, 'POST', '/host/echo', '{"a":');
  expect(badJson.status).toBe(400);
  expect(badJson.json).toMatchObject({ statusCode: 400 });
  expect(badJson.json).not.toHaveProperty('traceId');
}

describe.each(ADAPTERS)('mounted in a host over %s', (adapter) => {
  let sim: RunningSimulator;
  const wechat = (): AssistModuleOptions['wechat'] => ({ apiBase: sim.baseUrl, openBase: sim.baseUrl });
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => {
    await sim?.close();
  });

  describe('forRoot with a custom routePrefix', () => {
    let app: INestApplication;
    let base: string;
    beforeAll(async () => {
      @Module({
        imports: [AssistModule.forRoot({ merchants: [DEMO_MERCHANT], wechat: wechat(), routePrefix: 'pay/wx' })],
        controllers: [HostController],
      })
      class HostModule {}
      ({ app, base } = await listen(HostModule, adapter));
    });
    afterAll(() => app?.close());

    it('serves the flow under /pay/wx', async () => {
      await flow(base, 'pay/wx');
    });

    it('envelopes errors under its prefix, parser errors included', async () => {
      expect((await call(base, 'POST', '/pay/wx/getWxAccessToken', '{"x":')).json).toMatchObject({
        code: 10005,
        data: null,
      });
      expect((await call(base, 'GET', '/pay/wx/getWxAccessToken')).json).toMatchObject({ code: 29009, data: null });
      expect((await call(base, 'POST', '/pay/wx/getWxAccessToken', { reqTime: nowSeconds() })).json).toMatchObject({
        code: 10006,
      });
    });

    it('does not answer at the default prefix', async () => {
      const res = await call(base, 'POST', '/unipay/assist/getWxAuthUrl', fresh({ url: 'http://localhost/' }));
      expect(res.status).toBe(404);
      expect(res.json).not.toHaveProperty('traceId');
    });

    it("leaves the host's own routes and their errors untouched", async () => {
      await expectHostUntouched(base);
    });
  });

  describe('forRootAsync with ConfigModule, ConfigService and assistConfig (ASSIST_* env)', () => {
    let app: INestApplication;
    let base: string;
    const saved = { ...process.env };
    beforeAll(async () => {
      Object.assign(process.env, {
        ASSIST_MCH_NO: 'ENV0001',
        ASSIST_WX_APP_ID: DEMO_WECHAT_APP.appId,
        ASSIST_WX_APP_SECRET: DEMO_WECHAT_APP.appSecret,
        ASSIST_SIGN_SECRET: 'env-sign-secret',
        ASSIST_REDIRECT_HOSTS: 'localhost:*',
        WECHAT_API_BASE: sim.baseUrl,
        WECHAT_OPEN_BASE: sim.baseUrl,
      });
      @Module({
        imports: [
          ConfigModule.forRoot({ ignoreEnvFile: true, load: [assistConfig] }),
          AssistModule.forRootAsync({
            imports: [ConfigModule],
            inject: [ConfigService],
            useFactory: (config: ConfigService) => config.getOrThrow<AssistModuleOptions>('unipayAssist'),
          }),
        ],
        controllers: [HostController],
      })
      class HostModule {}
      ({ app, base } = await listen(HostModule, adapter));
    });
    afterAll(async () => {
      await app?.close();
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    });

    it('serves the flow at the default prefix for the merchant from the environment', async () => {
      await flow(base, 'unipay/assist', 'env-sign-secret', { mchNo: 'ENV0001' });
      // Only that merchant is configured: the demo merchant is unknown here.
      const other = await call(
        base,
        'POST',
        '/unipay/assist/getWxAuthUrl',
        fresh({ mchNo: 'M1000000001', url: 'http://localhost/' }),
      );
      expect(other.json).toMatchObject({ code: 20023 });
    });

    it("leaves the host's own routes and their errors untouched", async () => {
      await expectHostUntouched(base);
    });
  });

  describe('merchantProvider: a host class reading its own store', () => {
    let app: INestApplication;
    let base: string;
    const lookups: MerchantQuery[] = [];
    beforeAll(async () => {
      const HOST_DB = Symbol('HOST_DB');
      @Global()
      @Module({
        providers: [
          {
            provide: HOST_DB,
            useValue: new Map([['H0001', { wxApp: DEMO_WECHAT_APP, key: 'host-store-secret' }]]),
          },
        ],
        exports: [HOST_DB],
      })
      class HostDbModule {}

      @Injectable()
      class HostMerchantStore implements MerchantProvider {
        constructor(
          @Inject(HOST_DB) private readonly db: Map<string, { wxApp: typeof DEMO_WECHAT_APP; key: string }>,
        ) {}
        async findMerchant(query: MerchantQuery): Promise<Merchant | undefined> {
          lookups.push(query);
          const row = query.mchNo ? this.db.get(query.mchNo) : undefined;
          if (!row) return undefined;
          return normalizeMerchant(
            { mchNo: query.mchNo, wechat: row.wxApp, signSecret: row.key, redirectHosts: ['localhost:*'] },
            0,
          );
        }
      }

      @Module({
        imports: [HostDbModule, AssistModule.forRoot({ wechat: wechat(), merchantProvider: HostMerchantStore })],
        controllers: [HostController],
      })
      class HostModule {}
      ({ app, base } = await listen(HostModule, adapter));
    });
    afterAll(() => app?.close());

    it("serves the flow for a merchant found in the host's store", async () => {
      await flow(base, 'unipay/assist', 'host-store-secret', { mchNo: 'H0001' });
      expect(lookups).toContainEqual({ mchNo: 'H0001', appId: undefined });
    });

    it('answers 20023 for a merchant the store does not have, and when none is named', async () => {
      expect(
        (await call(base, 'POST', '/unipay/assist/getWxAuthUrl', fresh({ mchNo: 'H9999', url: 'http://localhost/' })))
          .json,
      ).toMatchObject({
        code: 20023,
        msg: expect.stringMatching(/unknown merchant/),
      });
      expect(
        (await call(base, 'POST', '/unipay/assist/getWxAuthUrl', fresh({ url: 'http://localhost/' }))).json,
      ).toMatchObject({
        code: 20023,
        msg: 'no default merchant is configured',
      });
    });
  });

  describe('two mounts with different prefixes in one app', () => {
    let app: INestApplication;
    let base: string;
    beforeAll(async () => {
      const second = {
        mchNo: 'TWO0001',
        wechat: DEMO_WECHAT_APP,
        signSecret: 'second-mount-secret',
        redirectHosts: ['localhost:*'],
      };
      @Module({
        imports: [
          AssistModule.forRoot({ merchants: [DEMO_MERCHANT], wechat: wechat(), routePrefix: 'one/assist' }),
          AssistModule.forRoot({ merchants: [second], wechat: wechat(), routePrefix: 'two/assist' }),
        ],
        controllers: [HostController],
      })
      class HostModule {}
      ({ app, base } = await listen(HostModule, adapter));
    });
    afterAll(() => app?.close());

    it('each mount serves its own merchants', async () => {
      await flow(base, 'one/assist');
      await flow(base, 'two/assist', 'second-mount-secret');
      expect(
        (
          await call(
            base,
            'POST',
            '/one/assist/getWxAuthUrl',
            fresh({ mchNo: 'TWO0001', url: 'http://localhost/' }, 'second-mount-secret'),
          )
        ).json,
      ).toMatchObject({ code: 20023 });
      expect(
        (await call(base, 'POST', '/two/assist/getWxAuthUrl', fresh({ url: 'http://localhost/' }))).json,
      ).toMatchObject({ code: 20052 });
    });

    it('envelopes parser and routing errors under both prefixes', async () => {
      for (const prefix of ['one/assist', 'two/assist']) {
        expect((await call(base, 'POST', `/${prefix}/getWxAccessToken`, '{"x":')).json).toMatchObject({
          code: 10005,
          data: null,
        });
        expect((await call(base, 'GET', `/${prefix}/getWxAuthUrl`)).json).toMatchObject({ code: 29009, data: null });
      }
    });

    it("leaves the host's own routes and their errors untouched", async () => {
      await expectHostUntouched(base);
    });
  });

  describe('bad merchant configuration fails at start', () => {
    const WX_SECRET = 'host-wechat-secret-should-not-print';
    const SIGN_SECRET = 'host-sign-secret-should-not-print';
    it.each([
      [
        'reqTimeout',
        { reqTimeout: -5 },
        'unipay-assist merchant #1 (BAD0001): reqTimeout must be an integer number of seconds between 1 and 86400',
      ],
      [
        'signType',
        { signType: SIGN_SECRET },
        'unipay-assist merchant #1 (BAD0001): signType must be one of MD5, HMAC_SHA256, SM3',
      ],
      [
        'wechat.appSecret',
        { wechat: { appId: 'wx0bad', appSecret: '' } },
        'unipay-assist merchant #1 (BAD0001): wechat.appSecret is missing or empty',
      ],
      ['signSecret', { signSecret: undefined }, 'unipay-assist merchant #1 (BAD0001): signSecret is missing'],
    ])('%s: the error names merchant and field, never a secret', async (_field, change, message) => {
      const merchant = {
        mchNo: 'BAD0001',
        wechat: { appId: 'wx0bad', appSecret: WX_SECRET },
        signSecret: SIGN_SECRET,
        ...change,
      };
      @Module({
        imports: [AssistModule.forRoot({ merchants: [merchant], wechat: wechat() })],
        controllers: [HostController],
      })
      class HostModule {}
      const create = NestFactory.create(
        HostModule,
        adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(),
        {
          logger: false,
          abortOnError: false,
        },
      );
      const err = await create.then(
        async (app) => {
          await app.close();
          throw new Error('started with a bad merchant');
        },
        (e: Error) => e,
      );
      expect(err.name).toBe('MerchantConfigError');
      expect(err.message).toBe(message);
      expect(err.message).not.toContain(WX_SECRET);
      expect(err.message).not.toContain(SIGN_SECRET);
    });

    it('no merchants and no merchantProvider fails too', async () => {
      @Module({ imports: [AssistModule.forRoot({ wechat: wechat() })] })
      class HostModule {}
      await expect(
        NestFactory.create(HostModule, adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(), {
          logger: false,
          abortOnError: false,
        }),
      ).rejects.toThrow('unipay-assist merchant (none): merchants no merchant configured');
    });
  });
});
