import type { LoggerService } from '@nestjs/common';
import { destination, pino, Logger as Pino } from 'pino';

/**
 * Field paths pino replaces with `[redacted]` wherever they appear in an
 * object a caller logs. The relay itself only logs masked or hashed values
 * (AssistLogger); this is the second net, for anything a host logs.
 */
export const DEMO_LOG_REDACT_PATHS = [
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
  '*.authorization',
  '*.cookie',
];

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Nest's logger for the demo: pino, one JSON line per event on stdout (pretty
 * when stdout is a terminal). The module's lines (`event traceId=… k=v`, one
 * of them per relay request: the answer's event, request.rejected,
 * request.failed or request.replayed) get `event` and `traceId` as fields.
 *
 * Why not nestjs-pino: its pino-http middleware writes a second line per
 * request, builds a child logger per request and runs every request inside
 * an AsyncLocalStorage, which turns on promise hooks for every promise in the
 * process. Measured on the relay routes (bench/results/profile-breakdown.md),
 * that was about a fifth of the gateway's CPU per request for a line the
 * module already writes.
 */
export class DemoPinoLogger implements LoggerService {
  /**
   * `lines` writes the module's string lines, whose fields this class builds
   * (context, event, traceId: nothing to redact); `objects` redacts, for
   * anything else a caller hands over. Both write to one destination.
   */
  constructor(
    private readonly lines: Pino,
    private readonly objects: Pino = lines,
  ) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    // Nest's error(message, stack?, context?): a second string argument is the stack.
    const stack = rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
    this.write('error', message, stack === undefined ? rest : rest.slice(1), stack);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: Level, message: unknown, rest: unknown[], stack?: string): void {
    if (!this.lines.isLevelEnabled(level)) return;
    // Nest's Logger passes the logger's context (e.g. 'UnipayAssist') as the last argument.
    const last = rest[rest.length - 1];
    const fields: Record<string, unknown> = typeof last === 'string' ? { context: last } : {};
    if (stack !== undefined) fields.stack = stack;
    if (message instanceof Error) {
      this.objects[level]({ ...fields, err: message }, message.message);
      return;
    }
    if (typeof message !== 'string') {
      this.objects[level](
        typeof message === 'object' && message !== null ? { ...fields, ...message } : { ...fields, value: message },
      );
      return;
    }
    liftModuleFields(message, fields);
    this.lines[level](fields, message);
  }
}

/** `event traceId=abc …` (AssistLogger's shape): event and traceId become fields; any other message is left as it is. */
function liftModuleFields(message: string, fields: Record<string, unknown>): void {
  const space = message.indexOf(' ');
  if (space <= 0 || !message.startsWith('traceId=', space + 1)) return;
  const end = message.indexOf(' ', space + 9);
  fields.event = message.slice(0, space);
  fields.traceId = message.slice(space + 9, end < 0 ? undefined : end);
}

/**
 * The demo's logger: LOG_LEVEL (default info), pino-pretty on a terminal,
 * else JSON on stdout through a buffered destination (pino's own, written at
 * 4 KiB, at least once a second and when the process exits): a write() system call per line cost
 * more than building the line. LOG_SYNC=1 writes each line at once (nothing
 * buffered if the process is killed).
 */
export function createDemoLogger(level = process.env.LOG_LEVEL ?? 'info'): DemoPinoLogger {
  const redact = { paths: DEMO_LOG_REDACT_PATHS, censor: '[redacted]' };
  if (process.stdout.isTTY) {
    const pretty = pino({
      level,
      redact,
      transport: {
        target: 'pino-pretty',
        options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
      },
    });
    return new DemoPinoLogger(pretty);
  }
  const sync = process.env.LOG_SYNC === '1';
  // periodicFlush: a quiet gateway's lines must not wait for 4 KiB (sonic-boom's own timer, unref'd).
  const stdout = destination({ dest: 1, sync, minLength: sync ? 0 : 4096, periodicFlush: sync ? 0 : 1000 });
  return new DemoPinoLogger(pino({ level }, stdout), pino({ level, redact }, stdout));
}
