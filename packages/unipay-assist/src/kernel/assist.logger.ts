import { Injectable, Logger } from '@nestjs/common';
import { logName, logValue } from './log-safe';

export { LOG_VALUE_MAX } from './log-safe';

export type LogFields = Record<string, string | number | boolean | undefined>;

/**
 * The module's logger: every line carries the request's traceId. Callers pass
 * only safe fields (masked tokens, hashed codes); secrets never get here.
 * Every name and value is escaped and capped here (log-safe), whatever its
 * source: a reason may quote a field name a client chose, in both log
 * formats (Nest's text logger and the demo's JSON lines) the line stays one
 * line with only the writer's own keys.
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
  let line = `${logName(event)} traceId=${logValue(traceId)}`;
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) line += ` ${logName(k)}=${logValue(String(v))}`;
  return line;
}
