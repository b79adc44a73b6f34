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

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * One entry, one line: a CR or LF in a name or subject from a mail would
 * otherwise start a forged line of kith's log; other control characters
 * could rewrite the terminal showing it. Each becomes a visible escape.
 */
function escapeControl(text: string): string {
  return text.replace(CONTROL, (ch) => {
    if (ch === '\n') return '\\n';
    if (ch === '\r') return '\\r';
    if (ch === '\t') return '\\t';
    const code = ch.charCodeAt(0);
    return code > 0xff
      ? `\\u${code.toString(16).padStart(4, '0')}`
      : `\\x${code.toString(16).padStart(2, '0')}`;
  });
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
    // Redacted first, so a secret is found even if it holds a control character.
    const line = redact(`${new Date().toISOString()} ${level} ${message}${extra}`, options.secrets);
    write(escapeControl(line));
  };
  return {
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}
