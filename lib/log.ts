/** A tiny structured logger: one JSON object per line on stderr. */

/** Log levels, least to most severe. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Fields carried by every line a logger writes. */
export type LogFields = Record<string, unknown>;

/** A structured logger bound to a set of fields. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** Returns a logger whose lines also carry `fields`. */
  with(fields: LogFields): Logger;
}

/** Options of {@linkcode createLogger}. */
export interface LoggerOptions {
  /** Lowest level written. Default `info`. */
  level?: LogLevel;
  /** Where lines go. Default: stderr. */
  write?: (line: string) => void;
  /** Clock, for tests. Default `() => new Date()`. */
  now?: () => Date;
}

const encoder = new TextEncoder();

/** Creates a logger writing JSON lines (`{"ts","level","msg",…fields}`) to stderr. */
export function createLogger(base: LogFields = {}, opts: LoggerOptions = {}): Logger {
  const min = ORDER[opts.level ?? "info"];
  const write = opts.write ??
    ((line: string) => Deno.stderr.writeSync(encoder.encode(line + "\n")));
  const now = opts.now ?? (() => new Date());
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (ORDER[level] < min) return;
    write(JSON.stringify({ ts: now().toISOString(), level, msg, ...base, ...fields }));
  };
  return {
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
    with: (fields) => createLogger({ ...base, ...fields }, opts),
  };
}

/** Parses a `--log-level` value, throwing a TypeError for anything unknown. */
export function parseLogLevel(value: string): LogLevel {
  if (value in ORDER) return value as LogLevel;
  throw new TypeError(`Cannot use log level "${value}": expected debug, info, warn or error`);
}
