import { LoggerService } from '@nestjs/common';

export interface CapturedLine {
  level: string;
  message: string;
  context?: string;
}

/**
 * A Nest LoggerService that keeps every line in memory, for tests that check
 * what the gateway writes (traceIds present, secrets absent). Pass it as
 * `startGateway({ logger: capture })`.
 */
export class LogCapture implements LoggerService {
  readonly lines: CapturedLine[] = [];

  log(message: unknown, ...rest: unknown[]): void {
    this.push('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.push('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.push('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.push('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.push('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.push('fatal', message, rest);
  }

  /** Lines of the module's own logger. */
  assistLines(): CapturedLine[] {
    return this.lines.filter((l) => l.context === 'UnipayAssist');
  }

  /** Every line, message plus all extra arguments, as one string each. */
  text(): string[] {
    return this.lines.map((l) => `${l.level} ${l.context ?? ''} ${l.message}`);
  }

  clear(): void {
    this.lines.length = 0;
  }

  private push(level: string, message: unknown, rest: unknown[]): void {
    // Nest passes the context last; any other argument (a stack, an object) is kept in the text.
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const extra = rest.slice(0, context === undefined ? rest.length : -1).map(stringify);
    this.lines.push({ level, message: [stringify(message), ...extra].join(' '), context });
  }
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return `${value.name}: ${value.message} ${value.stack ?? ''}`;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
