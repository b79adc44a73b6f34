/**
 * Times a LinkedIn import of a large generated Connections.csv (first run,
 * then a re-import that merges everything) and the JSON/CSV/vCard exports.
 * Usage: npm run bench:import-export [-- <rows>]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrateToLatest, openDatabase } from '../src/db/database.js';
import { exportContacts } from '../src/exchange/export.js';
import { importFile } from '../src/exchange/import.js';

const rows = Number(process.argv[2] ?? 5000);
const dir = mkdtempSync(path.join(tmpdir(), 'kith-bench-'));

function connections(count: number): string {
  const lines = [
    'Notes:',
    '"When exporting your connection data, you may notice that some of the email addresses are missing."',
    '',
    'First Name,Last Name,URL,Email Address,Company,Position,Connected On',
  ];
  for (let i = 0; i < count; i++) {
    // One in three has an address, as in real exports; every 50th repeats a person.
    const n = i % 50 === 49 ? i - 1 : i;
    const email = n % 3 === 0 ? `person${n}@example.org` : '';
    lines.push(
      `Zoë ${n},Álvarez-山田,https://www.linkedin.com/in/person-${n},${email},"Acme ${n % 97}, Inc.",Engineer,03 Nov 2026`,
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

async function time<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  console.log(`${label.padEnd(28)} ${ms.toFixed(0).padStart(6)} ms`);
  return result;
}

try {
  const file = path.join(dir, 'Connections.csv');
  writeFileSync(file, connections(rows));
  const db = openDatabase(path.join(dir, 'kith.sqlite'));
  await migrateToLatest(db);
  const now = new Date();
  console.log(`rows: ${rows}`);
  const first = await time('import (new)', () => importFile(db, 'linkedin', file, now));
  console.log(`  created ${first.created}, merged ${first.merged}, skipped ${first.errors.length}`);
  const second = await time('import again (all merge)', () =>
    importFile(db, 'linkedin', file, now),
  );
  console.log(`  created ${second.created}, merged ${second.merged}`);
  const json = await time('export json', () => exportContacts(db, 'json'));
  const csv = await time('export csv', () => exportContacts(db, 'csv'));
  const vcf = await time('export vcard', () => exportContacts(db, 'vcard'));
  console.log(
    `sizes: json ${(json.length / 1024).toFixed(0)} KiB, csv ${(csv.length / 1024).toFixed(0)} KiB, vcard ${(vcf.length / 1024).toFixed(0)} KiB`,
  );
  await db.destroy();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
