// The product's logger: pino underneath (JSON lines with --log-format json), and a human format that prints
//   [INFO] azure-security: fetched 12 events integration=contoso check=auditLogs.signIns
// Secrets are redacted by key wherever they appear in a log object; messages must never interpolate them.
import { pino, type Logger as PinoLogger } from 'pino';

export type LogFormat = 'human' | 'json';
export type Logger = PinoLogger;

/** Keys whose values never reach a log line, at the top level or one level down. */
const SECRET_KEYS = ['clientSecret', 'client_secret', 'secret', 'privateKey', 'private_key', 'password', 'accessToken', 'access_token', 'authorization', 'Authorization', 'client_assertion', 'key'];
export const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`]);

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const STANDARD_KEYS = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'component']);

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}

/** Turns one pino JSON line into the human line. Exported for tests. */
export function formatHumanLine(jsonLine: string): string {
  const entry = JSON.parse(jsonLine) as Record<string, unknown>;
  const level = LEVEL_NAMES[Number(entry.level)] ?? String(entry.level);
  const component = typeof entry.component === 'string' ? entry.component : 'azsec';
  const fields = Object.entries(entry)
    .filter(([k]) => !STANDARD_KEYS.has(k))
    .map(([k, v]) => `${k}=${formatValue(v)}`);
  return [`[${level}] ${component}: ${String(entry.msg ?? '')}`, ...fields].join(' ');
}

export interface LoggerOptions {
  format: LogFormat;
  level?: string;
  /** Where lines go; default process.stderr. Tests pass a collector. */
  write?: (line: string) => void;
}

export function createLogger(opts: LoggerOptions): Logger {
  const write = opts.write ?? ((line: string) => process.stderr.write(line));
  const destination = {
    write(chunk: string): void {
      write(opts.format === 'json' ? chunk : formatHumanLine(chunk) + '\n');
    },
  };
  return pino(
    {
      level: opts.level ?? process.env.AZSEC_LOG_LEVEL ?? 'info',
      // No base fields: children add their component (a base one would appear twice in JSON lines).
      base: {},
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
