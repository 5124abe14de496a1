/**
 * A driver's logger. Records go to a sink the host provides: a worker host
 * forwards them to the manager (which prints them with `fdf board run
 * --verbose` and keeps the last ones for inspection), the test harness keeps
 * them in a list. Drivers never write to the console themselves, so output
 * from several hosts does not interleave mid-line.
 */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LogRecord {
  readonly level: LogLevel;
  /** The driver that logged, with its node: `echo-filter@root/sys/platform/echo-0/echo`. */
  readonly source: string;
  readonly message: string;
  /** ms since the host started (performance.now() of the host's thread). */
  readonly timeMs: number;
}

export type LogSink = (record: LogRecord) => void;

export class DriverLogger {
  readonly #source: string;
  readonly #sink: LogSink;

  constructor(source: string, sink: LogSink) {
    this.#source = source;
    this.#sink = sink;
  }

  get source(): string {
    return this.#source;
  }

  debug(message: string): void {
    this.log('debug', message);
  }

  info(message: string): void {
    this.log('info', message);
  }

  warn(message: string): void {
    this.log('warn', message);
  }

  error(message: string): void {
    this.log('error', message);
  }

  log(level: LogLevel, message: string): void {
    this.#sink({ level, source: this.#source, message, timeMs: performance.now() });
  }
}

/** `[warn] echo-filter@root/...: message`, as the CLI prints a record. */
export function formatLogRecord(record: LogRecord): string {
  return `[${record.level}] ${record.source}: ${record.message}`;
}
