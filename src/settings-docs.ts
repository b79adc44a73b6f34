import { SETTINGS } from './config.js';

/** The .env.example file, generated from the settings schema. */
export function renderEnvExample(): string {
  const lines = [
    '# kith settings. Copy to .env and fill in what you need; every line is optional.',
    '# With none set, kith reads a local Maildir and writes outgoing mail as .eml files.',
    '# Generated from src/config.ts by `npm run docs:settings`; do not edit by hand.',
    '',
  ];
  for (const s of SETTINGS) {
    lines.push(`# ${s.description}`);
    lines.push(
      s.default === undefined
        ? `# ${s.name}=`
        : `# ${s.name}=${/^[\w./-]+$/.test(s.default) ? s.default : ''}   # default: ${s.default}`,
    );
    lines.push('');
  }
  return lines.join('\n');
}

/** The README's settings table, generated from the same schema. */
function renderSettingsTable(): string {
  const rows = SETTINGS.map(
    (s) =>
      `| \`${s.name}\` | ${s.default === undefined ? '—' : `\`${s.default}\``} | ${s.description.replace(/\|/g, '\\|')} |`,
  );
  return ['| Setting | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

const TABLE_START = '<!-- settings:start -->';
const TABLE_END = '<!-- settings:end -->';

/** Replaces the table between the markers in a README. */
export function withSettingsTable(readme: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error('README has no settings markers');
  return `${readme.slice(0, start + TABLE_START.length)}\n${renderSettingsTable()}\n${readme.slice(end)}`;
}
