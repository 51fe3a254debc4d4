import { DynamicModule, INestApplication, LoggerService, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AddressInfo } from 'node:net';
import { AssistModule, AssistModuleOptions } from '../../packages/unipay-assist/src';
import type { HttpAdapterName } from '../../apps/demo/src/create-demo-app';
import { RunningSimulator } from '../../packages/simulator/src/simulator.server';
import { WechatSimulatorOptions } from '../../packages/simulator/src/wechat-simulator';
import { DEMO_MERCHANT, GatewayFixture, resolveOverride, RunningGateway, useGatewayFixture } from './gateway';

/** The e2e layer's app: a host module that imports AssistModule.forRoot and nothing else (no demo page, docs, ops or env). */
@Module({})
class MinimalHostModule {
  static register(options: AssistModuleOptions): DynamicModule {
    return { module: MinimalHostModule, imports: [AssistModule.forRoot(options)] };
  }
}

/** The body limit a gateway sets in front of the relay (the demo's default, so 29007 means the same). */
export const MINIMAL_HOST_BODY_LIMIT = 16 * 1024;

export interface MinimalHostOptions {
  adapter: HttpAdapterName;
  /** WeChat's API and open base (a simulator), unless `override.wechat` says otherwise. */
  wechatBase?: string;
  /** Module options over the defaults (the demo merchant alone, WeChat at `wechatBase`). */
  override?: Partial<AssistModuleOptions>;
  /** JSON body limit in bytes. Default 16 KiB. */
  bodyLimit?: number;
  /** Nest's logger. Default off. */
  logger?: false | LoggerService;
}

/** The minimal host on 127.0.0.1 and a free port, bootstrapped as a host's main.ts would. */
export async function startMinimalHost(options: MinimalHostOptions): Promise<RunningGateway> {
  const moduleOptions: AssistModuleOptions = {
    merchants: [DEMO_MERCHANT],
    ...(options.wechatBase && { wechat: { apiBase: options.wechatBase, openBase: options.wechatBase } }),
    ...options.override,
  };
  const root = MinimalHostModule.register(moduleOptions);
  const bodyLimit = options.bodyLimit ?? MINIMAL_HOST_BODY_LIMIT;
  const logger = options.logger ?? false;
  let app: INestApplication;
  if (options.adapter === 'fastify') {
    app = await NestFactory.create(root, new FastifyAdapter({ bodyLimit }), { logger, abortOnError: false });
  } else {
    const express = await NestFactory.create<NestExpressApplication>(root, new ExpressAdapter(), {
      logger,
      abortOnError: false,
    });
    // Before Nest's default JSON parser, which then leaves the parsed body alone.
    express.useBodyParser('json', { limit: bodyLimit });
    app = express;
  }
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
}

export interface MinimalHostFixtureOptions extends Omit<MinimalHostOptions, 'adapter' | 'override' | 'wechatBase'> {
  /** Module options; a function gets the running simulator (e.g. for `wechat.apiBase`). */
  override?: Partial<AssistModuleOptions> | ((sim: RunningSimulator) => Partial<AssistModuleOptions>);
  /** The simulator's options. Default: the demo WeChat app alone. */
  simulator?: WechatSimulatorOptions;
}

/** A simulator and the minimal host (WeChat at the simulator) for the calling describe. */
export function useMinimalHost(adapter: HttpAdapterName, options: MinimalHostFixtureOptions = {}): GatewayFixture {
  const { simulator, override, ...hostOptions } = options;
  return useGatewayFixture(
    (sim) =>
      startMinimalHost({ adapter, wechatBase: sim.baseUrl, ...hostOptions, override: resolveOverride(override, sim) }),
    simulator,
  );
}
