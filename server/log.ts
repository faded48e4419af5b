/**
 * Structured JSON-lines logging to a writable stream (stderr by default). One logger is
 * created by the process entry point and passed down; there is no module-level instance.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const levelRank: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export function parseLogLevel(text: string | undefined): LogLevel | undefined {
  if (text === undefined || text === '') return 'info';
  const lower = text.toLowerCase();
  switch (lower) {
    case 'debug':
    case 'info':
    case 'warn':
    case 'error':
      return lower;
    default:
      return undefined;
  }
}

export interface LogSink {
  write(line: string): unknown;
}

export function createLogger(opts: { level: LogLevel; sink: LogSink; fields?: LogFields }): Logger {
  const minRank = levelRank[opts.level];
  const base = opts.fields ?? {};
  const emit = (level: LogLevel, msg: string, fields: LogFields | undefined): void => {
    if (levelRank[level] < minRank) return;
    const record: Record<string, unknown> = { ts: new Date().toISOString(), level, msg, ...base };
    if (fields !== undefined) {
      for (const [k, v] of Object.entries(fields)) record[k] = serializable(v);
    }
    opts.sink.write(JSON.stringify(record, bigintReplacer) + '\n');
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => createLogger({ level: opts.level, sink: opts.sink, fields: { ...base, ...fields } }),
  };
}

/** A logger that drops everything (tests that do not look at logs). */
export function silentLogger(): Logger {
  const noop = (): void => {};
  const logger: Logger = { debug: noop, info: noop, warn: noop, error: noop, child: () => logger };
  return logger;
}

function serializable(v: unknown): unknown {
  if (v instanceof Error) return { name: v.name, message: v.message, stack: v.stack };
  return v;
}

function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
