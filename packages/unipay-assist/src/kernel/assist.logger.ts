import { Injectable, Logger } from '@nestjs/common';

export type LogFields = Record<string, string | number | boolean | undefined>;

/**
 * The module's logger: every line carries the request's traceId. Callers pass
 * only safe fields (masked tokens, hashed codes); secrets never get here.
 */
@Injectable()
export class AssistLogger {
  private readonly logger = new Logger('UnipayAssist');

  log(traceId: string, event: string, fields: LogFields = {}): void {
    this.logger.log(format(traceId, event, fields));
  }

  warn(traceId: string, event: string, fields: LogFields = {}): void {
    this.logger.warn(format(traceId, event, fields));
  }

  error(traceId: string, event: string, fields: LogFields = {}): void {
    this.logger.error(format(traceId, event, fields));
  }
}

function format(traceId: string, event: string, fields: LogFields): string {
  let line = `${event} traceId=${traceId}`;
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) line += ` ${k}=${v}`;
  return line;
}

