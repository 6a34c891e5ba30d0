/**
 * Structured logs for the Lambda handler: one JSON object per line on standard output, which
 * CloudWatch Logs stores as one event each. Callers pass ids and counts, never credentials or
 * whole API payloads.
 */

export type LogLevel = "debug" | "info" | "warn" | "error";

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** The ids a log line carries besides its message. */
export interface LogFields {
  account?: string;
  region?: string;
  vpc?: string;
  [key: string]: string | number | boolean | string[] | undefined;
}

/** Field names dropped from every line whatever the caller passes, as a last guard. */
const SECRET_FIELDS = /secret|password|token|credential|accesskey|sessionkey/i;

export class Logger {
  constructor(
    private readonly base: LogFields & { requestId?: string },
    private readonly write: (line: string) => void = (line) => process.stdout.write(line),
    private readonly minimum: LogLevel = levelOf(process.env.VPC_LINT_LOG_LEVEL),
  ) {}

  /** Returns a logger whose lines also carry `fields`, such as the Region. */
  child(fields: LogFields): Logger {
    return new Logger({ ...this.base, ...fields }, this.write, this.minimum);
  }

  debug(message: string, fields?: LogFields): void {
    this.log("debug", message, fields);
  }

  info(message: string, fields?: LogFields): void {
    this.log("info", message, fields);
  }

  warn(message: string, fields?: LogFields): void {
    this.log("warn", message, fields);
  }

  error(message: string, fields?: LogFields): void {
    this.log("error", message, fields);
  }

  private log(level: LogLevel, message: string, fields: LogFields = {}): void {
    if (LEVEL_RANK[level] < LEVEL_RANK[this.minimum]) return;
    const entry: Record<string, unknown> = { level, message };
    for (const [key, value] of Object.entries({ ...this.base, ...fields })) {
      if (value !== undefined && !SECRET_FIELDS.test(key)) entry[key] = value;
    }
    this.write(`${JSON.stringify(entry)}\n`);
  }
}

export function isLogLevel(value: string): value is LogLevel {
  return Object.hasOwn(LEVEL_RANK, value);
}

/** Reads a level name such as VPC_LINT_LOG_LEVEL holds; anything else means `info`. */
export function levelOf(value: string | undefined): LogLevel {
  return value && isLogLevel(value) ? value : "info";
}
