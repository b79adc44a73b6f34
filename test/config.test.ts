import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, readEnv, SETTINGS, unknownSettings } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { ensureSecret } from '../src/secret-file.js';
import { renderEnvExample, withSettingsTable } from '../src/settings-docs.js';
import { repoRoot } from './helpers/run-cli.js';
import { useTempDir } from './helpers/temp-dir.js';

const tempDir = useTempDir();

function problemsFor(env: Record<string, string>): { setting: string; message: string }[] {
  try {
    loadConfig(env, { cwd: '/tmp' });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('works with no settings at all, with the documented defaults', () => {
    const config = loadConfig({}, { cwd: '/srv/kith', systemTimeZone: 'Europe/Berlin' });
    expect(config.dataDir).toBe('/srv/kith/data');
    expect(config.web).toEqual({ host: '127.0.0.1', port: 3000, password: undefined });
    expect(config.timeZone).toBe('Europe/Berlin');
    expect(config.imap).toBeUndefined();
    expect(config.smtp).toBeUndefined();
    expect(config.owner.emails).toEqual([]);
    expect(config.schedule).toEqual({
      followUpAfterDays: 7,
      maxFollowUps: 2,
      keepInTouchDays: 90,
      thankYouHour: 9,
      prepBriefHour: 17,
      meetingOverAfterMinutes: 60,
      digestWeekday: 1,
      digestHour: 8,
      ownerMailPerHour: 30,
    });
  });

  it('takes each default from the settings table, the only place it is written', () => {
    const port = SETTINGS.find((s) => s.name === 'WEB_PORT') as { default?: string };
    const documented = port.default;
    try {
      port.default = '3100';
      expect(loadConfig({}, { cwd: '/tmp' }).web.port).toBe(3100);
    } finally {
      port.default = documented;
    }
    expect(loadConfig({}, { cwd: '/tmp' }).web.port).toBe(3000);
  });

  it('is frozen, deeply', () => {
    const config = loadConfig({ KITH_OWNER_EMAIL: 'a@b.org' }, { cwd: '/tmp' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.owner.emails)).toBe(true);
    expect(() => {
      (config.web as { port: number }).port = 1;
    }).toThrow();
  });

  it('splits several owner addresses, first one primary, lower-cased', () => {
    const config = loadConfig(
      { KITH_OWNER_EMAIL: ' Me@Example.org, me@work.example ' },
      { cwd: '/tmp' },
    );
    expect(config.owner.emails).toEqual(['me@example.org', 'me@work.example']);
  });

  it.each([
    ['WEB_PORT', 'eighty', 'WEB_PORT'],
    ['WEB_PORT', '70000', 'WEB_PORT'],
    ['KITH_TIMEZONE', 'Mars/Olympus', 'IANA'],
    ['KITH_OWNER_EMAIL', 'not-an-address', 'email'],
    ['KITH_SERVICE_ADDRESS', 'me@', 'email'],
    ['IMAP_SECURE', 'maybe', 'true or false'],
    ['THANK_YOU_HOUR', '24', 'THANK_YOU_HOUR'],
    ['FOLLOW_UP_AFTER_DAYS', '0', 'FOLLOW_UP_AFTER_DAYS'],
  ])('names %s when it is %j', (setting, value, hint) => {
    const problems = problemsFor({ [setting]: value });
    expect(problems.map((p) => p.setting)).toEqual([setting]);
    const error = new ConfigError(problems);
    expect(error.message).toContain(setting);
    if (hint !== setting) expect(error.message).toContain(hint);
  });

  it('reports every bad setting at once, in one message', () => {
    const problems = problemsFor({ WEB_PORT: 'x', KITH_TIMEZONE: 'Nowhere/City', SMTP_PORT: '-1' });
    expect(problems.map((p) => p.setting).sort()).toEqual([
      'KITH_TIMEZONE',
      'SMTP_PORT',
      'WEB_PORT',
    ]);
  });

  it('says what every number setting expects, and what it got', () => {
    const numbers = SETTINGS.filter((s) => s.schema.safeParse('abc').success === false).filter(
      (s) => s.schema.safeParse(s.default ?? '').success && /^\d+$/.test(s.default ?? ''),
    );
    expect(numbers.map((s) => s.name)).toEqual(expect.arrayContaining(['WEB_PORT', 'DIGEST_HOUR']));
    for (const setting of numbers) {
      for (const bad of ['abc', '2.5', '-1', '1e3', '99999999999999999999']) {
        const [problem] = problemsFor({ [setting.name]: bad });
        expect(problem?.message).toMatch(
          /^must be a whole number (from \d+ to \d+|of \d+ or more); got "/,
        );
      }
    }
    const message = new ConfigError(problemsFor({ WEB_PORT: 'abc' })).message;
    expect(message).toContain('WEB_PORT: must be a whole number from 1 to 65535; got "abc"');
    expect(message).not.toContain('NaN');
    expect(loadConfig({ WEB_PORT: ' 8080 ', DIGEST_HOUR: '0' }, { cwd: '/tmp' })).toMatchObject({
      web: { port: 8080 },
      schedule: { digestHour: 0 },
    });
  });

  it('names keys that look like settings but are none, with the one most likely meant', () => {
    expect(
      unknownSettings({
        KITH_OWNER_EMAL: 'me@example.org',
        IMAP_PASSWORD: 'x',
        WEB_PASS: 'x',
        SMTP_HOST: 'smtp.example.org',
        KITH_FROBNICATE: '1',
        HOME: '/root',
        FOLLOW_UP_AFTER_DAYS: '3',
      }),
    ).toEqual([
      { name: 'IMAP_PASSWORD', meant: 'IMAP_PASS' },
      { name: 'KITH_FROBNICATE', meant: undefined },
      { name: 'KITH_OWNER_EMAL', meant: 'KITH_OWNER_EMAIL' },
      { name: 'WEB_PASS', meant: 'WEB_PASSWORD' },
    ]);
  });

  it('asks for what an IMAP account needs', () => {
    const problems = problemsFor({ IMAP_HOST: 'imap.example.org' });
    expect(problems.map((p) => p.setting).sort()).toEqual([
      'IMAP_PASS',
      'IMAP_USER',
      'KITH_OWNER_EMAIL',
    ]);
  });

  it('never repeats a secret value in its message', () => {
    const problems = problemsFor({ KITH_SECRET: 'short-but-secret', WEB_PASSWORD: 'pw' });
    const message = new ConfigError(problems).message;
    expect(message).toContain('KITH_SECRET');
    expect(message).toContain('WEB_PASSWORD');
    expect(message).not.toContain('short-but-secret');
    expect(message).not.toMatch(/"pw"/);
  });

  it('reads .env under the environment, which wins', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, '.env'), 'WEB_PORT=4000\nKITH_OWNER_NAME="Ana Souza"\n');
    const env = readEnv({ WEB_PORT: '5000' }, dir);
    const config = loadConfig(env, { cwd: dir });
    expect(config.web.port).toBe(5000);
    expect(config.owner.name).toBe('Ana Souza');
  });
});

describe('ensureSecret', () => {
  it('generates a secret once, mode 0600, and reuses it', () => {
    const dir = tempDir();
    const config = loadConfig({ KITH_DATA_DIR: path.join(dir, 'data') }, { cwd: dir });
    const first = ensureSecret(config);
    const file = path.join(dir, 'data', 'secret');
    expect(first.secret).toMatch(/^[\w-]{40,}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(ensureSecret(config).secret).toBe(first.secret);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.secret);
  });

  it('prefers KITH_SECRET and writes nothing', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'data'));
    const secret = 'x'.repeat(40);
    const config = ensureSecret(
      loadConfig({ KITH_DATA_DIR: path.join(dir, 'data'), KITH_SECRET: secret }, { cwd: dir }),
    );
    expect(config.secret).toBe(secret);
    expect(() => statSync(path.join(dir, 'data', 'secret'))).toThrow();
  });
});

describe('settings docs', () => {
  it('.env.example and the README table are generated from the schema', () => {
    expect(readFileSync(path.join(repoRoot, '.env.example'), 'utf8')).toBe(renderEnvExample());
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    expect(withSettingsTable(readme)).toBe(readme);
  });
});

describe('provider presets', () => {
  it('fills hosts, ports, TLS and logins from KITH_PROVIDER', () => {
    const config = loadConfig(
      { KITH_PROVIDER: 'icloud', KITH_OWNER_EMAIL: 'me@icloud.com', IMAP_PASS: 'app-pw' },
      { cwd: '/tmp' },
    );
    expect(config.imap).toMatchObject({
      host: 'imap.mail.me.com',
      port: 993,
      secure: true,
      user: 'me@icloud.com',
      pass: 'app-pw',
    });
    expect(config.smtp).toMatchObject({
      host: 'smtp.mail.me.com',
      port: 587,
      secure: false,
      user: 'me@icloud.com',
      pass: 'app-pw',
      savesSent: false,
    });
  });

  it('lets explicit IMAP_* and SMTP_* settings win over the preset', () => {
    const config = loadConfig(
      {
        KITH_PROVIDER: 'gmail',
        KITH_OWNER_EMAIL: 'me@gmail.com',
        IMAP_PASS: 'pw',
        IMAP_PORT: '1993',
        SMTP_HOST: 'relay.example.org',
      },
      { cwd: '/tmp' },
    );
    expect(config.imap).toMatchObject({ host: 'imap.gmail.com', port: 1993 });
    expect(config.smtp).toMatchObject({ host: 'relay.example.org', port: 465, savesSent: true });
  });

  it('decides from the preset whether the server files Sent; unknown servers are assumed not to', () => {
    const savesSent = (env: Record<string, string>) =>
      loadConfig(
        {
          KITH_OWNER_EMAIL: 'me@example.org',
          IMAP_PASS: 'pw',
          SMTP_HOST: 'smtp.example.org',
          ...env,
        },
        { cwd: '/tmp' },
      ).smtp?.savesSent;
    expect(savesSent({ KITH_PROVIDER: 'gmail' })).toBe(true);
    expect(savesSent({ KITH_PROVIDER: 'fastmail' })).toBe(true);
    expect(savesSent({ KITH_PROVIDER: 'outlook' })).toBe(true);
    expect(savesSent({ KITH_PROVIDER: 'icloud' })).toBe(false);
    expect(savesSent({ KITH_PROVIDER: 'generic' })).toBe(false);
    // Self-hosted Postfix+Dovecot: no preset. Guessing "files Sent" would let a crash send twice.
    expect(savesSent({})).toBe(false);
    expect(savesSent({ KITH_PROVIDER: 'generic', SMTP_SAVES_SENT: 'true' })).toBe(true);
  });

  it('refuses an unknown provider by name', () => {
    expect(problemsFor({ KITH_PROVIDER: 'aol' })).toEqual([
      {
        setting: 'KITH_PROVIDER',
        message: expect.stringContaining('gmail, fastmail, outlook, icloud, generic'),
      },
    ]);
  });

  it('accepts a password command instead of a password, but not both', () => {
    const config = loadConfig(
      {
        KITH_PROVIDER: 'fastmail',
        KITH_OWNER_EMAIL: 'me@fastmail.com',
        IMAP_PASS_COMMAND: 'pass show mail',
      },
      { cwd: '/tmp' },
    );
    expect(config.imap).toMatchObject({ pass: '', passCommand: 'pass show mail' });
    expect(config.smtp).toMatchObject({ passCommand: 'pass show mail' });
    expect(
      problemsFor({
        IMAP_HOST: 'h.example',
        IMAP_USER: 'u',
        KITH_OWNER_EMAIL: 'a@b.org',
        IMAP_PASS: 'x',
        IMAP_PASS_COMMAND: 'y',
      }).map((p) => p.setting),
    ).toEqual(['IMAP_PASS_COMMAND']);
  });

  it('needs a token command for xoauth2', () => {
    expect(
      problemsFor({
        IMAP_HOST: 'h.example',
        IMAP_USER: 'u',
        KITH_OWNER_EMAIL: 'a@b.org',
        IMAP_PASS: 'x',
        IMAP_AUTH: 'xoauth2',
      }).map((p) => p.setting),
    ).toEqual(['IMAP_PASS_COMMAND']);
  });
});
