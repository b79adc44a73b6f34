import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { closest } from './edit-distance.js';
import { ConfigError } from './errors.js';
import { isProviderName, PROVIDERS } from './providers.js';

/**
 * The only reader of process.env. Every setting is declared once in SETTINGS
 * (name, default, meaning, validator) so the .env.example, the README table
 * and the validation can never drift apart. Over 400 lines because that
 * table (about 290 of them, one entry per setting) stays in this one file by
 * design; the loader after it only maps the table onto Config.
 */

/**
 * A whole number from `min` to `max` (no upper bound when omitted). Written
 * out instead of z.coerce.number(), whose "expected number, received NaN"
 * tells a user nothing about what to write.
 */
function wholeNumber(min: number, max?: number) {
  const expected =
    max === undefined
      ? `must be a whole number of ${min} or more`
      : `must be a whole number from ${min} to ${max}`;
  return z
    .string()
    .trim()
    .regex(/^\d+$/, expected)
    .transform(Number)
    .refine(
      (n) => Number.isSafeInteger(n) && n >= min && (max === undefined || n <= max),
      expected,
    );
}

const port = wholeNumber(1, 65535);
const bool = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['true', 'false', '1', '0', 'yes', 'no'].includes(v), 'must be true or false')
  .transform((v) => ['true', '1', 'yes'].includes(v));
const positiveInt = wholeNumber(1);
const hour = wholeNumber(0, 23);
const text = z.string().trim();
const emailPattern = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;
const email = text
  .toLowerCase()
  .regex(emailPattern, 'must be an email address like you@example.org');
const emailList = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(emailPattern, 'each entry must be an email address')).min(1));
const timeZone = text.refine(
  (tz) => isValidTimeZone(tz),
  'must be an IANA time zone such as Europe/Berlin',
);
const host = text.min(1);
const httpUrl = text.refine((v) => {
  try {
    const url = new URL(v);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}, 'must be an http(s) URL such as https://kith.example.org');
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** One documented setting. `secret` values are never printed. */
export interface SettingSpec {
  readonly name: string;
  readonly description: string;
  /** Shown in docs; `undefined` means "not set" (feature off or derived). */
  readonly default: string | undefined;
  readonly schema: z.ZodType;
  readonly secret?: boolean;
}

const spec = (s: SettingSpec) => s;

/** Every setting kith reads, in the order the docs list them. */
export const SETTINGS = [
  spec({
    name: 'KITH_DATA_DIR',
    default: './data',
    schema: text.min(1),
    description:
      'Folder for the database, the local Maildir, the outbox .eml files and the generated secret.',
  }),
  spec({
    name: 'KITH_OWNER_EMAIL',
    default: undefined,
    schema: emailList,
    description:
      'Your address(es), comma-separated; the first is primary. Mail from these is yours.',
  }),
  spec({
    name: 'KITH_OWNER_NAME',
    default: undefined,
    schema: text.min(1),
    description: 'Your name, used in drafts and greetings.',
  }),
  spec({
    name: 'KITH_OWNER_INTRO',
    default: undefined,
    schema: text.min(1),
    description:
      'Two or three sentences about you (what you do, what you are exploring) for outreach drafts; without it the draft leaves a [bracketed] place to fill in.',
  }),
  spec({
    name: 'KITH_SERVICE_ADDRESS',
    default: undefined,
    schema: email,
    description:
      'The address you BCC on outreach (a plus-address such as you+kith@example.org, or a second mailbox).',
  }),
  spec({
    name: 'KITH_TIMEZONE',
    default: 'the system zone',
    schema: timeZone,
    description: 'Your IANA time zone; every reminder is timed in it.',
  }),
  spec({
    name: 'KITH_SECRET',
    default: 'generated into KITH_DATA_DIR/secret',
    schema: text.min(32, 'must be at least 32 characters'),
    secret: true,
    description:
      'Instance secret that signs the Message-IDs of mail kith sends you, and web sessions.',
  }),
  spec({
    name: 'KITH_BACKFILL_DAYS',
    default: '90',
    schema: positiveInt,
    description: 'On first start, how many days of existing mail to read.',
  }),
  spec({
    name: 'KITH_MAX_MESSAGE_BYTES',
    default: '26214400',
    schema: positiveInt,
    description:
      'Mail larger than this is not parsed but put aside in quarantine. Over IMAP the parts kith reads count, not the attachments it leaves on the server.',
  }),
  spec({
    name: 'KITH_OUTREACH_MAX_RECIPIENTS',
    default: '10',
    schema: positiveInt,
    description:
      'An outreach from you to more people kith does not know yet than this adds none of them: it is put aside, shown on the Health page, and you add the people with `npm run kith -- import` if you mean to follow up.',
  }),
  spec({
    name: 'KITH_PROVIDER',
    default: undefined,
    schema: text
      .toLowerCase()
      .refine(isProviderName, `must be one of ${Object.keys(PROVIDERS).join(', ')}`),
    description:
      'gmail, fastmail, outlook, icloud or generic: fills in IMAP/SMTP hosts, ports and TLS (explicit IMAP_*/SMTP_* settings win), and uses your first KITH_OWNER_EMAIL and IMAP_PASS for logins not set.',
  }),
  spec({
    name: 'IMAP_HOST',
    default: undefined,
    schema: host,
    description:
      'IMAP server. When unset, kith reads the local Maildir under KITH_DATA_DIR/maildir.',
  }),
  spec({ name: 'IMAP_PORT', default: '993', schema: port, description: 'IMAP port.' }),
  spec({
    name: 'IMAP_SECURE',
    default: 'true',
    schema: bool,
    description: 'Use TLS from the start (port 993). false means plain or STARTTLS.',
  }),
  spec({
    name: 'IMAP_USER',
    default: undefined,
    schema: text.min(1),
    description: 'IMAP login name.',
  }),
  spec({
    name: 'IMAP_PASS',
    default: undefined,
    schema: z.string().min(1),
    secret: true,
    description: 'IMAP password or app password.',
  }),
  spec({
    name: 'IMAP_PASS_COMMAND',
    default: undefined,
    schema: text.min(1),
    secret: true,
    description:
      'A command that prints the IMAP password (or OAuth2 access token), run at each login; its output is never logged. Use instead of IMAP_PASS.',
  }),
  spec({
    name: 'IMAP_AUTH',
    default: 'password',
    schema: text.toLowerCase().pipe(z.enum(['password', 'xoauth2'])),
    description: 'password, or xoauth2 when the pass commands print an OAuth2 access token.',
  }),
  spec({
    name: 'IMAP_AUTHSERV_ID',
    default: undefined,
    schema: text.min(1).toLowerCase(),
    description:
      "Whose Authentication-Results headers prove that mail in your inbox claiming to be from you is yours (a DKIM or DMARC pass): the name your receiving server writes at their start (e.g. mail.example.org), or `topmost` for a provider that always adds its own above a sender's. KITH_PROVIDER sets `topmost` for gmail, fastmail, outlook and icloud; unset, such mail counts only once its copy shows up in your Sent folder, because a server that adds none would leave a forged header on top.",
  }),
  spec({
    name: 'IMAP_MAILBOXES',
    default: 'INBOX and the \\Sent folder',
    schema: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string()).min(1)),
    description: 'Comma-separated mailboxes to watch.',
  }),
  spec({
    name: 'IMAP_IDLE_RESTART_MINUTES',
    default: '5',
    schema: wholeNumber(1, 28),
    description:
      'Minutes between heartbeats that re-open the mailbox (a fresh read-only EXAMINE) and re-issue IDLE (servers drop IDLE after 29 minutes, some sooner); also how soon a silent connection is noticed.',
  }),
  spec({
    name: 'IMAP_TIMEOUT_SECONDS',
    default: '30',
    schema: wholeNumber(2, 600),
    description:
      'Seconds an IMAP connect or heartbeat EXAMINE may take before the connection counts as dead and kith reconnects.',
  }),
  spec({
    name: 'SMTP_HOST',
    default: undefined,
    schema: host,
    description: 'SMTP server. When unset, mail is written as .eml files to KITH_DATA_DIR/outbox.',
  }),
  spec({ name: 'SMTP_PORT', default: '465', schema: port, description: 'SMTP port.' }),
  spec({
    name: 'SMTP_SECURE',
    default: 'true',
    schema: bool,
    description: 'Use TLS from the start (port 465). false means STARTTLS when offered.',
  }),
  spec({
    name: 'SMTP_USER',
    default: undefined,
    schema: text.min(1),
    description: 'SMTP login name.',
  }),
  spec({
    name: 'SMTP_PASS',
    default: undefined,
    schema: z.string().min(1),
    secret: true,
    description: 'SMTP password or app password.',
  }),
  spec({
    name: 'SMTP_PASS_COMMAND',
    default: undefined,
    schema: text.min(1),
    secret: true,
    description:
      'A command that prints the SMTP password (or OAuth2 access token), run at each connection; its output is never logged.',
  }),
  spec({
    name: 'SMTP_SAVES_SENT',
    default: 'false',
    schema: bool,
    description:
      'Whether your server files mail sent over SMTP in Sent by itself; KITH_PROVIDER sets it (true for gmail, fastmail and outlook, false otherwise). When false kith APPENDs a flagged copy to Sent before sending: after a crash that copy tells whether the mail left, so it is never sent twice.',
  }),
  spec({
    name: 'WEB_HOST',
    default: '127.0.0.1',
    schema: host,
    description: 'Address the web UI listens on.',
  }),
  spec({ name: 'WEB_PORT', default: '3000', schema: port, description: 'Port of the web UI.' }),
  spec({
    name: 'WEB_PASSWORD',
    default: undefined,
    schema: z.string().min(8, 'must be at least 8 characters'),
    secret: true,
    description:
      'Password for the web UI. When unset, a new one-time login link is printed at every start.',
  }),
  spec({
    name: 'WEB_PUBLIC_URL',
    default: undefined,
    schema: httpUrl,
    description:
      'The address you open kith at when it is not this machine, e.g. https://kith.example.org behind a reverse proxy. The calendar feed address and the login link printed at start are built from it (a web calendar cannot fetch from 127.0.0.1). The web UI answers only to 127.0.0.1, localhost, [::1], WEB_HOST, IP addresses and this host name (against DNS rebinding).',
  }),
  spec({
    name: 'KITH_TEMPLATES_DIR',
    default: undefined,
    schema: text.min(1),
    description:
      'A folder of your own mail templates (e.g. thank-you.hbs); each file replaces the built-in template of that name.',
  }),
  spec({
    name: 'FOLLOW_UP_AFTER_DAYS',
    default: '7',
    schema: positiveInt,
    description: 'Days without a reply before a follow-up draft.',
  }),
  spec({
    name: 'MAX_FOLLOW_UPS',
    default: '2',
    schema: wholeNumber(0, 10),
    description: 'Follow-ups before a contact moves to no response.',
  }),
  spec({
    name: 'KEEP_IN_TOUCH_DAYS',
    default: '90',
    schema: positiveInt,
    description: 'Default days between keep-in-touch updates (each contact can override).',
  }),
  spec({
    name: 'THANK_YOU_HOUR',
    default: '9',
    schema: hour,
    description: 'Hour of day (your zone) at which thank-you drafts are made.',
  }),
  spec({
    name: 'PREP_BRIEF_HOUR',
    default: '17',
    schema: hour,
    description: 'Hour of day (your zone) of the prep brief, the day before a meeting.',
  }),
  spec({
    name: 'MEETING_OVER_AFTER_MINUTES',
    default: '60',
    schema: wholeNumber(0, 1440),
    description:
      'Minutes after a meeting’s end when it counts as over: the contact moves to met and you are asked how it went.',
  }),
  spec({
    name: 'DIGEST_DAY',
    default: 'monday',
    schema: text
      .toLowerCase()
      .refine((v) => WEEKDAYS.includes(v), 'must be a weekday such as monday')
      .transform((v) => WEEKDAYS.indexOf(v) + 1),
    description: 'Weekday of the weekly digest.',
  }),
  spec({
    name: 'DIGEST_HOUR',
    default: '8',
    schema: hour,
    description: 'Hour of day (your zone) of the weekly digest.',
  }),
  spec({
    name: 'OWNER_MAIL_PER_HOUR',
    default: '30',
    schema: positiveInt,
    description: 'At most this many mails to you per hour, whatever happens.',
  }),
] as const satisfies readonly SettingSpec[];

type SettingName = (typeof SETTINGS)[number]['name'];

export interface ImapConfig {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly user: string;
  /** Empty when `passCommand` supplies it; resolve with src/credentials.ts. */
  readonly pass: string;
  readonly passCommand: string | undefined;
  readonly auth: 'password' | 'xoauth2';
  readonly mailboxes: readonly string[] | undefined;
  /** IMAP_AUTHSERV_ID: `topmost`, a server name, or undefined (no Authentication-Results trusted). */
  readonly authservId?: string | undefined;
  /** IMAP_IDLE_RESTART_MINUTES (default 5). */
  readonly idleRestartMinutes?: number;
  /** IMAP_TIMEOUT_SECONDS (default 30). */
  readonly timeoutSeconds?: number;
}

export interface SmtpConfig {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly user: string | undefined;
  readonly pass: string | undefined;
  readonly passCommand: string | undefined;
  readonly auth: 'password' | 'xoauth2';
  /** False: the provider does not file SMTP mail in Sent, so kith APPENDs it. */
  readonly savesSent: boolean;
}

/** kith's validated, frozen settings. */
export interface Config {
  readonly dataDir: string;
  readonly owner: {
    readonly emails: readonly string[];
    readonly name: string | undefined;
    /** KITH_OWNER_INTRO: a few sentences for outreach drafts. */
    readonly intro: string | undefined;
  };
  readonly serviceAddress: string | undefined;
  /** KITH_TEMPLATES_DIR: user templates overriding the built-in ones by name. */
  readonly templatesDir: string | undefined;
  readonly timeZone: string;
  /** Undefined until `ensureSecret` has read or generated it. */
  readonly secret: string | undefined;
  readonly backfillDays: number;
  readonly maxMessageBytes: number;
  /** KITH_OUTREACH_MAX_RECIPIENTS: more new recipients than this in one outreach add no contacts. */
  readonly outreachMaxRecipients: number;
  readonly imap: ImapConfig | undefined;
  readonly smtp: SmtpConfig | undefined;
  readonly web: {
    readonly host: string;
    readonly port: number;
    readonly password: string | undefined;
    /** WEB_PUBLIC_URL: where the owner reaches the web UI from elsewhere (a reverse proxy). */
    readonly publicUrl: string | undefined;
  };
  readonly schedule: {
    readonly followUpAfterDays: number;
    readonly maxFollowUps: number;
    readonly keepInTouchDays: number;
    readonly thankYouHour: number;
    readonly prepBriefHour: number;
    readonly meetingOverAfterMinutes: number;
    /** 1 = Monday … 7 = Sunday. */
    readonly digestWeekday: number;
    readonly digestHour: number;
    readonly ownerMailPerHour: number;
  };
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Reads `.env` in `cwd` (if any) under the process environment, which wins. */
export function readEnv(processEnv: Env, cwd: string): Env {
  const file = path.join(cwd, '.env');
  let fromFile: Record<string, string> = {};
  try {
    fromFile = parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return { ...fromFile, ...processEnv };
}

/** Prefixes of kith's settings; other keys in the environment belong to other programs. */
const SETTING_PREFIXES = ['KITH_', 'IMAP_', 'SMTP_', 'WEB_'];

/**
 * Keys that look like kith settings but are none (a typo such as
 * KITH_OWNER_EMAL would otherwise be ignored without a word), each with the
 * setting it most likely meant.
 */
export function unknownSettings(env: Env): { name: string; meant: string | undefined }[] {
  const known: readonly string[] = SETTINGS.map((s) => s.name);
  return Object.keys(env)
    .filter((key) => SETTING_PREFIXES.some((p) => key.startsWith(p)) && !known.includes(key))
    .sort()
    .map((name) => ({ name, meant: closest(name, known) }));
}

/**
 * Validates every setting at once and returns a frozen Config, or throws one
 * ConfigError that names each bad setting (never echoing a secret's value).
 */
export function loadConfig(
  givenEnv: Env,
  options: { cwd: string; systemTimeZone?: string },
): Config {
  const env = withProviderDefaults(givenEnv);
  const problems: { setting: string; message: string }[] = [];
  const values = new Map<string, unknown>();
  for (const setting of SETTINGS) {
    const raw = env[setting.name];
    if (raw === undefined || raw.trim() === '') continue;
    const result = setting.schema.safeParse(raw);
    if (result.success) values.set(setting.name, result.data);
    else {
      const issue = result.error.issues[0];
      const shown = 'secret' in setting && setting.secret ? '' : `; got "${raw}"`;
      problems.push({ setting: setting.name, message: `${issue?.message ?? 'invalid'}${shown}` });
    }
  }
  const get = <T>(name: SettingName, fallback: T): T =>
    values.has(name) ? (values.get(name) as T) : fallback;
  // A setting left out takes the default SETTINGS documents, parsed like a
  // given value: the table is the only place such a default is written.
  const orDefault = <T>(name: SettingName): T => {
    if (values.has(name)) return values.get(name) as T;
    const setting = SETTINGS.find((s) => s.name === name);
    const parsed =
      setting?.default === undefined ? undefined : setting.schema.safeParse(setting.default);
    if (!parsed?.success) throw new Error(`${name} has no usable default in SETTINGS`);
    return parsed.data as T;
  };
  const has = (name: SettingName) => values.has(name);
  const invalid = (name: SettingName) => problems.some((p) => p.setting === name);

  const requireWith = (group: SettingName, names: readonly SettingName[]) => {
    for (const name of names) {
      if (!has(name) && !invalid(name)) {
        problems.push({ setting: name, message: `is required when ${group} is set` });
      }
    }
  };
  if (has('IMAP_HOST')) {
    requireWith('IMAP_HOST', ['IMAP_USER']);
    if (!has('IMAP_PASS') && !has('IMAP_PASS_COMMAND') && !invalid('IMAP_PASS')) {
      problems.push({
        setting: 'IMAP_PASS',
        message: 'is required when IMAP_HOST is set (or set IMAP_PASS_COMMAND)',
      });
    }
  }
  if (has('IMAP_PASS') && has('IMAP_PASS_COMMAND')) {
    problems.push({
      setting: 'IMAP_PASS_COMMAND',
      message: 'set either IMAP_PASS or IMAP_PASS_COMMAND, not both',
    });
  }
  if (
    orDefault<'password' | 'xoauth2'>('IMAP_AUTH') === 'xoauth2' &&
    has('IMAP_HOST') &&
    !has('IMAP_PASS_COMMAND')
  ) {
    problems.push({
      setting: 'IMAP_PASS_COMMAND',
      message: 'is required with IMAP_AUTH=xoauth2: it must print the access token',
    });
  }
  if (has('SMTP_USER') && !has('SMTP_PASS') && !has('SMTP_PASS_COMMAND') && !invalid('SMTP_PASS')) {
    problems.push({
      setting: 'SMTP_PASS',
      message: 'is required when SMTP_USER is set (or set SMTP_PASS_COMMAND)',
    });
  }
  if (has('IMAP_HOST') && !has('KITH_OWNER_EMAIL') && !invalid('KITH_OWNER_EMAIL')) {
    problems.push({
      setting: 'KITH_OWNER_EMAIL',
      message: 'is required when IMAP_HOST is set, so kith can tell your mail from everyone else’s',
    });
  }

  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = path.resolve(options.cwd, orDefault<string>('KITH_DATA_DIR'));
  const systemZone = options.systemTimeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const config: Config = {
    dataDir,
    owner: {
      emails: get<string[]>('KITH_OWNER_EMAIL', []),
      name: get<string | undefined>('KITH_OWNER_NAME', undefined),
      intro: get<string | undefined>('KITH_OWNER_INTRO', undefined),
    },
    serviceAddress: get<string | undefined>('KITH_SERVICE_ADDRESS', undefined),
    templatesDir: has('KITH_TEMPLATES_DIR')
      ? path.resolve(options.cwd, get('KITH_TEMPLATES_DIR', ''))
      : undefined,
    timeZone: get('KITH_TIMEZONE', isValidTimeZone(systemZone) ? systemZone : 'UTC'),
    secret: get<string | undefined>('KITH_SECRET', undefined),
    backfillDays: orDefault<number>('KITH_BACKFILL_DAYS'),
    maxMessageBytes: orDefault<number>('KITH_MAX_MESSAGE_BYTES'),
    outreachMaxRecipients: orDefault<number>('KITH_OUTREACH_MAX_RECIPIENTS'),
    imap: has('IMAP_HOST')
      ? {
          host: get('IMAP_HOST', ''),
          port: orDefault<number>('IMAP_PORT'),
          secure: orDefault<boolean>('IMAP_SECURE'),
          user: get('IMAP_USER', ''),
          pass: get('IMAP_PASS', ''),
          passCommand: get<string | undefined>('IMAP_PASS_COMMAND', undefined),
          auth: orDefault<'password' | 'xoauth2'>('IMAP_AUTH'),
          mailboxes: get<string[] | undefined>('IMAP_MAILBOXES', undefined),
          authservId: get<string | undefined>('IMAP_AUTHSERV_ID', undefined),
          idleRestartMinutes: orDefault<number>('IMAP_IDLE_RESTART_MINUTES'),
          timeoutSeconds: orDefault<number>('IMAP_TIMEOUT_SECONDS'),
        }
      : undefined,
    smtp: has('SMTP_HOST')
      ? {
          host: get('SMTP_HOST', ''),
          port: orDefault<number>('SMTP_PORT'),
          secure: orDefault<boolean>('SMTP_SECURE'),
          user: get<string | undefined>('SMTP_USER', undefined),
          pass: get<string | undefined>('SMTP_PASS', undefined),
          passCommand: get<string | undefined>('SMTP_PASS_COMMAND', undefined),
          auth: orDefault<'password' | 'xoauth2'>('IMAP_AUTH'),
          savesSent: orDefault<boolean>('SMTP_SAVES_SENT'),
        }
      : undefined,
    web: {
      host: orDefault<string>('WEB_HOST'),
      port: orDefault<number>('WEB_PORT'),
      password: get<string | undefined>('WEB_PASSWORD', undefined),
      publicUrl: get<string | undefined>('WEB_PUBLIC_URL', undefined),
    },
    schedule: {
      followUpAfterDays: orDefault<number>('FOLLOW_UP_AFTER_DAYS'),
      maxFollowUps: orDefault<number>('MAX_FOLLOW_UPS'),
      keepInTouchDays: orDefault<number>('KEEP_IN_TOUCH_DAYS'),
      thankYouHour: orDefault<number>('THANK_YOU_HOUR'),
      prepBriefHour: orDefault<number>('PREP_BRIEF_HOUR'),
      meetingOverAfterMinutes: orDefault<number>('MEETING_OVER_AFTER_MINUTES'),
      digestWeekday: orDefault<number>('DIGEST_DAY'),
      digestHour: orDefault<number>('DIGEST_HOUR'),
      ownerMailPerHour: orDefault<number>('OWNER_MAIL_PER_HOUR'),
    },
  };
  return deepFreeze(config);
}

/**
 * With KITH_PROVIDER set, fills in what the user did not: the provider's
 * hosts and ports, logins from the owner address, and the SMTP password from
 * the IMAP one (one account for both is the common case).
 */
function withProviderDefaults(env: Env): Env {
  const name = env.KITH_PROVIDER?.trim().toLowerCase();
  if (!name || !isProviderName(name)) return env;
  const owner = env.KITH_OWNER_EMAIL?.split(',')[0]?.trim();
  const derived: Record<string, string | undefined> = { ...PROVIDERS[name].settings };
  if (name !== 'generic') {
    derived.IMAP_USER = env.IMAP_USER || owner;
    derived.SMTP_USER = env.SMTP_USER || env.IMAP_USER || owner;
    if (!env.SMTP_PASS && !env.SMTP_PASS_COMMAND) {
      derived.SMTP_PASS = env.IMAP_PASS;
      derived.SMTP_PASS_COMMAND = env.IMAP_PASS_COMMAND;
    }
  }
  const merged: Record<string, string | undefined> = { ...env };
  for (const [key, value] of Object.entries(derived)) {
    if (value !== undefined && !merged[key]?.trim()) merged[key] = value;
  }
  return merged;
}

/** Returns a copy of `config` with the secret filled in (still frozen). */
export function withSecret(config: Config, secret: string): Config {
  return deepFreeze({ ...config, secret });
}

/** Every secret value in the config, for log redaction. */
export function secretValues(config: Config): string[] {
  return [config.secret, config.imap?.pass, config.smtp?.pass, config.web.password].filter(
    (v): v is string => typeof v === 'string' && v.length > 0,
  );
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
