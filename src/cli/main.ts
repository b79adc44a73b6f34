import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type Config, loadConfig, readEnv, secretValues, unknownSettings } from '../config.js';
import { ConfigError, KithError } from '../errors.js';
import { createLogger, type Logger, redact } from '../log.js';
import { ensureSecret } from '../secret-file.js';
import { readVersion } from '../version.js';

/** What a command gets: parsed flags and positionals, settings and a logger. */
interface CommandContext {
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: readonly string[];
  config(): Config;
  readonly logger: () => Logger;
  readonly out: (text: string) => void;
}

interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  readonly minArgs?: number;
  readonly maxArgs?: number;
  run(ctx: CommandContext): Promise<number>;
}

/**
 * How a newcomer runs kith from the checkout. A bare `kith` (or `npx kith`)
 * would run an unrelated package of that name from the npm registry.
 */
export const RUN = 'npm run kith --';

const COMMANDS: Record<string, Command> = {
  serve: {
    summary: 'start kith: web UI, inbox watcher and scheduler',
    usage: `${RUN} serve`,
    options: {},
    maxArgs: 0,
    async run(ctx) {
      const { startKith } = await import('../main.js');
      const running = await startKith(ctx.config(), ctx.logger());
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      ctx.logger().info('stopping');
      await running.stop();
      return 0;
    },
  },
  migrate: {
    summary: 'apply pending database migrations (serve does this too)',
    usage: `${RUN} migrate`,
    options: {},
    maxArgs: 0,
    async run(ctx) {
      const { databasePath, migrateToLatest, openDatabase } = await import('../db/database.js');
      const db = openDatabase(databasePath(ctx.config().dataDir));
      try {
        const results = await migrateToLatest(db);
        ctx.out(
          results.length === 0
            ? 'database is up to date'
            : results
                .map((r) => `${r.status === 'Success' ? 'applied' : r.status} ${r.migrationName}`)
                .join('\n'),
        );
      } finally {
        await db.destroy();
      }
      return 0;
    },
  },
  export: {
    summary: 'print all contacts as json, csv or vcard',
    usage: `${RUN} export [--format json|csv|vcard]`,
    options: { format: { type: 'string', short: 'f', default: 'json' } },
    maxArgs: 0,
    async run(ctx) {
      const format = String(ctx.values.format);
      if (!['json', 'csv', 'vcard'].includes(format)) {
        throw new UsageError(`unknown format "${format}": use json, csv or vcard`);
      }
      const { withDatabase } = await import('../db/open-for-command.js');
      const { exportContacts } = await import('../exchange/export.js');
      await withDatabase(ctx.config(), async (db) => {
        ctx.out(await exportContacts(db, format as 'json' | 'csv' | 'vcard'));
      });
      return 0;
    },
  },
  import: {
    summary: 'add prospects from a LinkedIn export, a CSV or a vCard file',
    usage: `${RUN} import linkedin|csv|vcard <file>`,
    options: {},
    minArgs: 2,
    maxArgs: 2,
    async run(ctx) {
      const [kind, file] = ctx.positionals as [string, string];
      if (!['linkedin', 'csv', 'vcard'].includes(kind)) {
        throw new UsageError(`unknown import kind "${kind}": use linkedin, csv or vcard`);
      }
      const { withDatabase } = await import('../db/open-for-command.js');
      const { importFile } = await import('../exchange/import.js');
      let failed = 0;
      await withDatabase(ctx.config(), async (db) => {
        const report = await importFile(db, kind as 'linkedin' | 'csv' | 'vcard', file, new Date());
        for (const error of report.errors)
          ctx.out(`line ${error.line}: ${error.message} (skipped)`);
        ctx.out(
          `${report.created} created, ${report.merged} merged, ${report.errors.length} skipped`,
        );
        failed = report.errors.length;
      });
      return failed > 0 ? 1 : 0;
    },
  },
  tick: {
    summary: 'run one scheduler tick (now, or as if at --at) and print what it did',
    usage: `${RUN} tick [--at <ISO time>]`,
    options: { at: { type: 'string' } },
    maxArgs: 0,
    async run(ctx) {
      const raw = ctx.values.at;
      const at = typeof raw === 'string' ? new Date(raw) : new Date();
      if (Number.isNaN(at.getTime())) {
        throw new UsageError(
          `--at "${String(raw)}" is not a time: use ISO-8601 like 2026-11-23T17:00:00+01:00`,
        );
      }
      const { withDatabase } = await import('../db/open-for-command.js');
      const { describeTick, tickOnce } = await import('../scheduler/tick-command.js');
      let failed = 0;
      await withDatabase(ctx.config(), async (db) => {
        const report = await tickOnce(db, ctx.config(), ctx.logger(), at);
        for (const line of describeTick(report)) ctx.out(line);
        failed = report.outcomes.filter((o) => o.result === 'failed').length;
      });
      return failed > 0 ? 1 : 0;
    },
  },
  ingest: {
    summary: 'read .eml files or folders of mail through the inbox, one line per message',
    usage: `${RUN} ingest <file.eml | folder>...`,
    options: {},
    minArgs: 1,
    async run(ctx) {
      const { runIngestCommand } = await import('./ingest.js');
      return runIngestCommand(ctx.positionals, {
        config: ctx.config(),
        logger: ctx.logger(),
        out: ctx.out,
      });
    },
  },
  backup: {
    summary: 'copy the database to a file, safely while kith runs',
    usage: `${RUN} backup <file>`,
    options: {},
    minArgs: 1,
    maxArgs: 1,
    async run(ctx) {
      const { databasePath } = await import('../db/database.js');
      const { backupDatabase } = await import('../db/backup.js');
      const [file] = ctx.positionals as [string];
      const info = await backupDatabase(databasePath(ctx.config().dataDir), file);
      ctx.out(`backed up ${info.contacts} contacts to ${file}`);
      return 0;
    },
  },
  restore: {
    summary: 'replace the database with a checked backup (stop kith first)',
    usage: `${RUN} restore <file>`,
    options: {},
    minArgs: 1,
    maxArgs: 1,
    async run(ctx) {
      const { databasePath } = await import('../db/database.js');
      const { restoreDatabase } = await import('../db/backup.js');
      const [file] = ctx.positionals as [string];
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const result = restoreDatabase(file, databasePath(ctx.config().dataDir), stamp);
      ctx.out(`restored ${result.contacts} contacts from ${file}`);
      if (result.kept) ctx.out(`the previous database is kept as ${result.kept}`);
      return 0;
    },
  },
  demo: {
    summary: 'fill a separate demo data dir with a believable pipeline and open the UI on it',
    usage: `${RUN} demo [--data-dir <dir>] [--no-serve] [--port <n>] [--now <ISO time>]`,
    options: {
      'data-dir': { type: 'string', default: './demo-data' },
      'no-serve': { type: 'boolean' },
      port: { type: 'string', default: '3000' },
      now: { type: 'string' },
    },
    maxArgs: 0,
    async run(ctx) {
      const { runDemoCommand } = await import('../demo/demo-command.js');
      return runDemoCommand(ctx.values, ctx.out);
    },
  },
  doctor: {
    summary: 'check the settings, the mailbox and the database, and say what to fix',
    usage: `${RUN} doctor`,
    options: {},
    maxArgs: 0,
    async run(ctx) {
      const { withDatabase } = await import('../db/open-for-command.js');
      const { runDoctor } = await import('../doctor/run-doctor.js');
      const { formatChecks } = await import('../doctor/check.js');
      const results = await withDatabase(ctx.config(), (db) =>
        runDoctor(ctx.config(), db, new Date()),
      );
      ctx.out(formatChecks(results));
      const problems = results.filter((r) => r.status === 'problem').length;
      ctx.out(problems === 0 ? '\nAll good.' : `\n${problems} problem(s) found.`);
      return problems === 0 ? 0 : 1;
    },
  },
};

class UsageError extends Error {}

function generalUsage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return [
    `usage: ${RUN} <command> [options]`,
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    `Run \`${RUN} <command> --help\` for a command’s options, \`${RUN} --version\``,
    'for the version. Settings come from the environment and .env; see .env.example.',
    'Errors are one line; add --debug for the full trace.',
  ].join('\n');
}

function commandUsage(name: string, command: Command): string {
  const flags = Object.entries(command.options).map(
    ([flag, o]) =>
      `  --${flag}${o.type === 'string' ? ' <value>' : ''}${o.default !== undefined ? ` (default ${String(o.default)})` : ''}`,
  );
  return [
    `usage: ${command.usage}`,
    '',
    `${name}: ${command.summary}`,
    ...(flags.length ? ['', 'options:', ...flags] : []),
  ].join('\n');
}

/** Runs kith with `argv` (without node and script); returns the exit code. */
export async function main(
  argv: readonly string[],
  env = process.env,
  cwd = process.cwd(),
): Promise<number> {
  const out = (text: string) => process.stdout.write(`${text}\n`);
  const err = (text: string) => process.stderr.write(`${text}\n`);
  // --debug may come anywhere before a `--` that ends the options.
  const end = argv.indexOf('--');
  const options = end === -1 ? argv : argv.slice(0, end);
  const debug = options.includes('--debug');
  const [name, ...rest] = debug
    ? [...options.filter((a) => a !== '--debug'), ...(end === -1 ? [] : argv.slice(end))]
    : argv;
  if (name === '--version' || name === '-v' || name === 'version') {
    out(`kith ${readVersion()}`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? err : out)(generalUsage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    err(`kith: unknown command "${name}"\n\n${generalUsage()}`);
    return 2;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    err(`kith ${name}: ${(error as Error).message}\n\n${commandUsage(name, command)}`);
    return 2;
  }
  if (parsed.values.help) {
    out(commandUsage(name, command));
    return 0;
  }
  const count = parsed.positionals.length;
  if (count < (command.minArgs ?? 0) || count > (command.maxArgs ?? Number.POSITIVE_INFINITY)) {
    err(`kith ${name}: wrong number of arguments\n\n${commandUsage(name, command)}`);
    return 2;
  }

  let config: Config | undefined;
  let logger: Logger | undefined;
  const getConfig = () => {
    if (!config) {
      const settings = readEnv(env, cwd);
      for (const { name, meant } of unknownSettings(settings)) {
        err(
          `kith: warning: ${name} is not a kith setting and is ignored; ${meant ? `did you mean ${meant}?` : 'see .env.example for the settings kith reads'}`,
        );
      }
      config = ensureSecret(loadConfig(settings, { cwd }));
    }
    return config;
  };
  const getLogger = () => {
    logger ??= createLogger({ secrets: config ? secretValues(config) : [] });
    return logger;
  };
  try {
    return await command.run({
      values: parsed.values as Record<string, string | boolean | undefined>,
      positionals: parsed.positionals,
      config: getConfig,
      logger: getLogger,
      out,
    });
  } catch (error) {
    if (error instanceof UsageError) {
      err(`kith ${name}: ${error.message}\n\n${commandUsage(name, command)}`);
      return 2;
    }
    const secrets = config ? secretValues(config) : [];
    if (error instanceof ConfigError) {
      err(redact(error.message, secrets));
    } else {
      // kith's own errors say what to do; anything else may need the trace.
      const hint = error instanceof KithError || debug ? '' : ' (--debug shows the trace)';
      const text = oneLine(error);
      // Messages that already name kith ("kith cannot start: …") read better unprefixed.
      err(redact(`${text.startsWith('kith ') ? '' : `kith ${name}: `}${text}${hint}`, secrets));
    }
    if (debug) err(redact(String((error as Error).stack ?? error), secrets));
    return exitCodeFor(name, error);
  }
}

/**
 * EX_TEMPFAIL from sysexits.h: the run may work if tried again later.
 * systemd restarts on it, while exit 1 (a bad setting) stops the unit.
 */
export const EX_TEMPFAIL = 75;

/**
 * A serve refused because another kith holds the sender lease is temporary:
 * a dying kith lets go within seconds (its process gone) or 30 s (its heartbeat
 * stale), so a restart takes over. Everything else needs the owner: exit 1.
 */
function exitCodeFor(command: string, error: unknown): number {
  if (command === 'serve' && error instanceof KithError && error.code === 'locked') {
    return EX_TEMPFAIL;
  }
  return 1;
}

/** An error as one line: its message and, when it adds something, its cause's. */
function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // kith's own messages are written for the reader; others may only make sense with their cause.
  const cause = error instanceof Error && !(error instanceof KithError) ? error.cause : undefined;
  const causeText = cause instanceof Error ? cause.message : undefined;
  const text = causeText && !message.includes(causeText) ? `${message}: ${causeText}` : message;
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
