/** A tiny leveled logger that scrubs every known secret from what it writes. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface LoggerOptions {
  /** Values that must never appear in output (passwords, tokens, the secret). */
  readonly secrets: readonly string[];
  readonly write?: (line: string) => void;
  readonly quiet?: boolean;
}

const REDACTED = '[redacted]';

/** Replaces every occurrence of each secret in `text`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  return out;
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const emit = (level: string, message: string, fields?: Record<string, unknown>) => {
    if (options.quiet && level === 'info') return;
    const extra = fields
      ? Object.entries(fields)
          .map(([k, v]) => ` ${k}=${describe(v)}`)
          .join('')
      : '';
    write(redact(`${new Date().toISOString()} ${level} ${message}${extra}`, options.secrets));
  };
  return {
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}
