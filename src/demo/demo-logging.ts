import { DynamicModule } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { requestContext } from '../kernel/request-context';

/**
 * Field paths pino replaces with `[redacted]` wherever they appear in a log
 * object. The relay itself only logs masked or hashed values (AssistLogger);
 * this is the second net, for headers and for anything a host logs.
 */
export const DEMO_LOG_REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'req.body',
  '*.sign',
  '*.signSecret',
  '*.signSecrets',
  '*.appSecret',
  '*.secret',
  '*.accessToken',
  '*.access_token',
  '*.refresh_token',
  '*.refreshToken',
  '*.code',
];

const TRACE_ID = /\btraceId=([A-Za-z0-9]{6,32})\b/;

/**
 * nestjs-pino for the demo: one JSON line per event on stdout (pretty when
 * stdout is a terminal), the module's lines routed through it by Nest's
 * Logger with `traceId` and `event` as fields, one line per finished request
 * (method, path without query, status, time; never headers or bodies).
 */
export function demoLoggerModule(level = process.env.LOG_LEVEL ?? 'info'): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      level,
      // Express hands the relay the same request object: its traceId becomes the request's id.
      genReqId: (req: IncomingMessage) => requestContext(req).traceId,
      serializers: {
        req: (req: { id?: string; method?: string; url?: string }) => ({
          id: req.id,
          method: req.method,
          path: (req.url ?? '').split('?')[0],
        }),
        res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      },
      customSuccessMessage: () => 'request.completed',
      customErrorMessage: () => 'request.failed',
      autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' || req.url === '/metrics' },
      redact: { paths: DEMO_LOG_REDACT_PATHS, censor: '[redacted]' },
      hooks: {
        // AssistLogger writes `event traceId=… k=v`: lift traceId and event into fields.
        logMethod(args: unknown[], method: (...a: unknown[]) => void) {
          const i = args.findIndex((a) => typeof a === 'string');
          const m = i >= 0 ? TRACE_ID.exec(args[i] as string) : null;
          if (m) {
            const fields = { traceId: m[1], event: (args[i] as string).split(' ', 1)[0] };
            if (i > 0 && typeof args[0] === 'object' && args[0] !== null) args[0] = { ...(args[0] as object), ...fields };
            else args.unshift(fields);
          }
          return method.apply(this, args);
        },
      },
      transport: process.stdout.isTTY
        ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } }
        : undefined,
    },
  });
}
