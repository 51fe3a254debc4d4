import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

interface FastifyLike {
  hasContentTypeParser(type: string): boolean;
  addContentTypeParser(
    type: string,
    options: { parseAs: 'string'; bodyLimit: number },
    parser: (req: unknown, body: string, done: (err: Error | null, body?: unknown) => void) => void,
  ): void;
}

const XML_TYPES = ['text/xml', 'application/xml'];

/**
 * WeChat posts its platform pushes as text/xml. Fastify answers 415 for a
 * content type it has no parser for, before any route runs, so under
 * Fastify the module adds one that keeps the body as a string (64 KiB at
 * most), unless the host has its own. Express needs nothing: its parsers
 * skip text/xml and the route reads the stream (readRawTextBody).
 */
@Injectable()
export class XmlBodyParser implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter as { getType?: () => string; getInstance?: () => unknown } | undefined;
    if (!adapter || adapter.getType?.() !== 'fastify') return;
    const fastify = adapter.getInstance?.() as FastifyLike | undefined;
    if (!fastify || typeof fastify.addContentTypeParser !== 'function') return;
    for (const type of XML_TYPES) {
      if (fastify.hasContentTypeParser(type)) continue;
      fastify.addContentTypeParser(type, { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) =>
        done(null, body),
      );
    }
  }
}
