import { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
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

/**
 * Slow-client bounds of the demo's server (Node's own are 60 s for the
 * headers and 300 s for the whole request): a relay request is a small JSON
 * body, so 10 s and 30 s are generous. Node checks them every 30 s
 * (connectionsCheckingInterval), so a stalled client goes within that much
 * after its limit. HEADERS_TIMEOUT_MS / REQUEST_TIMEOUT_MS override them.
 */
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** The CSP of the demo's Swagger UI (/docs): its own scripts only, its inline styles, no framing. */
export const DEMO_DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** A positive whole number of milliseconds from the environment, or the default; anything else fails at start. */
export function parseTimeoutMs(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value.trim());
  if (!Number.isSafeInteger(n) || n < 1)
    throw new Error(`${name} must be a positive number of milliseconds, not ${value}`);
  return n;
}

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
    harden(fastify);
    setupDemoDocs(fastify);
    return fastify;
  }
  const app = await NestFactory.create<NestExpressApplication>(root, new ExpressAdapter(), { logger });
  // Express announces itself on every answer unless told not to (Fastify sends no such header).
  app.disable('x-powered-by');
  // Registered before Nest's default parser, which then skips the parsed body.
  app.useBodyParser('json', { limit: bodyLimit });
  harden(app);
  setupDemoDocs(app);
  return app;
}

/** Server timeouts, and the docs pages' headers (as the hosted pages': no sniffing, no framing, a CSP). */
function harden(app: INestApplication): void {
  const server = app.getHttpServer() as Server;
  server.headersTimeout = parseTimeoutMs(
    'HEADERS_TIMEOUT_MS',
    process.env.HEADERS_TIMEOUT_MS,
    DEFAULT_HEADERS_TIMEOUT_MS,
  );
  server.requestTimeout = parseTimeoutMs(
    'REQUEST_TIMEOUT_MS',
    process.env.REQUEST_TIMEOUT_MS,
    DEFAULT_REQUEST_TIMEOUT_MS,
  );
  const docsHeaders = (url: string | undefined, res: ServerResponse): void => {
    if (!/^\/docs(?:[-/?]|$)/.test(url ?? '')) return;
    res.setHeader('Content-Security-Policy', DEMO_DOCS_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
  };
  const fastify = fastifyOf(app);
  if (fastify) {
    // A Fastify hook, not app.use(): one middleware makes Fastify run @fastify/middie on every request of the
    // server, relay routes included (a measurable share of a relay request's CPU, for a header on /docs only).
    fastify.addHook('onRequest', (req, reply, done) => {
      docsHeaders(req.raw.url, reply.raw);
      done();
    });
    return;
  }
  app.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
    docsHeaders(req.url, res);
    next();
  });
}

/** What the demo uses of the Fastify instance (typed here: fastify itself is the adapter's dependency, not ours). */
interface FastifyHooks {
  addHook(
    name: 'onRequest',
    hook: (req: { raw: IncomingMessage }, reply: { raw: ServerResponse }, done: () => void) => void,
  ): unknown;
}

/** The Fastify instance under a Nest app on the Fastify adapter; undefined on Express. */
function fastifyOf(app: INestApplication): FastifyHooks | undefined {
  const adapter = app.getHttpAdapter();
  return adapter instanceof FastifyAdapter ? adapter.getInstance<FastifyHooks>() : undefined;
}

export function parseAdapterName(value: string | undefined): HttpAdapterName {
  const v = (value ?? 'express').trim().toLowerCase();
  if (v !== 'express' && v !== 'fastify') throw new Error(`HTTP_ADAPTER must be express or fastify, not ${value}`);
  return v;
}
