/** Error codes kith uses across parts; user-facing messages say what to do. */
export type KithErrorCode =
  | 'config'
  | 'temporary'
  | 'auth'
  | 'not_found'
  | 'bad_input'
  | 'locked'
  | 'internal';

/** Base error with a stable string code and the original error as `cause`. */
export class KithError extends Error {
  readonly code: KithErrorCode;

  constructor(code: KithErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KithError';
    this.code = code;
  }
}

/** One or more settings are wrong; `problems` names each setting. */
export class ConfigError extends KithError {
  readonly problems: readonly { setting: string; message: string }[];

  constructor(problems: readonly { setting: string; message: string }[]) {
    super(
      'config',
      `kith cannot start: ${problems.length === 1 ? 'a setting is' : 'some settings are'} wrong.\n${problems
        .map((p) => `  ${p.setting}: ${p.message}`)
        .join('\n')}`,
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Input from a file, a form or a mail that kith cannot use as given. */
export class BadInputError extends KithError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('bad_input', message, options);
    this.name = 'BadInputError';
  }
}
