import { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { createDemoLogger } from './demo-logging';
import { setupDemoDocs } from './demo-docs';
import { DemoModule, DemoModuleOptions } from './demo.module';

export type HttpAdapterName = 'express' | 'fastify';

export interface DemoAppOptions extends DemoModuleOptions {
  adapter?: HttpAdapterName;
  /** JSON body limit in bytes. Default: env BODY_LIMIT, else 16 KiB. */
  bodyLimit?: number;
  /** Nest's logger option: false, levels, or a LoggerService (tests capture lines with one). */
  logger?: false | LogLevel[] | LoggerService;
  /** JSON lines through pino (npm start); otherwise `logger` (Nest's console logger by default). */
  structuredLogs?: boolean;
}

export const DEFAULT_BODY_LIMIT = 16 * 1024;

/** BODY_LIMIT (bytes, a positive integer) or the 16 KiB default; anything else fails at start. */
export function parseBodyLimit(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_BODY_LIMIT;
  const n = Number(value.trim());
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`BODY_LIMIT must be a positive number of bytes, not ${value}`);
  return n;
}

/** The demo gateway on Express (default) or Fastify, not yet listening. */
export async function createDemoApp(options: DemoAppOptions = {}): Promise<INestApplication> {
  const bodyLimit = options.bodyLimit ?? parseBodyLimit(process.env.BODY_LIMIT);
  const root = DemoModule.register(options);
  const logger = options.structuredLogs ? createDemoLogger() : (options.logger ?? ['log', 'warn', 'error']);
  if (options.adapter === 'fastify') {
    const fastify = await NestFactory.create(root, new FastifyAdapter({ bodyLimit }), { logger });
    setupDemoDocs(fastify);
    return fastify;
  }
  const app = await NestFactory.create<NestExpressApplication>(root, new ExpressAdapter(), { logger });
  // Registered before Nest's default parser, which then skips the parsed body.
  app.useBodyParser('json', { limit: bodyLimit });
  setupDemoDocs(app);
  return app;
}

export function parseAdapterName(value: string | undefined): HttpAdapterName {
  const v = (value ?? 'express').trim().toLowerCase();
  if (v !== 'express' && v !== 'fastify') throw new Error(`HTTP_ADAPTER must be express or fastify, not ${value}`);
  return v;
}
