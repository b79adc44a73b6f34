// `npm start` runs this first: it compiles TypeScript only when something the
// build reads changed since the last successful build. A full `tsc` takes
// tens of seconds; comparing modification times takes milliseconds.
// Plain JavaScript so that it needs nothing compiled or loaded to run.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Written after each successful build, stamped with the time that build started.
const stamp = path.join(root, 'dist', '.build-stamp');

/** Newest modification time of the build's inputs, in ms. */
function newestInput() {
  let newest = 0;
  const see = (file) => {
    newest = Math.max(newest, statSync(file).mtimeMs);
  };
  for (const file of ['tsconfig.json', 'tsconfig.build.json']) see(path.join(root, file));
  const walk = (dir) => {
    // A folder's own time changes when a file in it is added, removed or renamed.
    see(dir);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) see(full);
    }
  };
  walk(path.join(root, 'src'));
  return newest;
}

function builtAt() {
  try {
    return statSync(stamp).mtimeMs;
  } catch {
    return -1; // never built (a fresh clone) or dist/ removed
  }
}

if (builtAt() >= newestInput()) process.exit(0);

const startedAt = new Date();
process.stderr.write('kith: compiling TypeScript (only when src/ changed)…\n');
const tsc = spawnSync(
  process.execPath,
  [
    path.join(root, 'node_modules/typescript/bin/tsc'),
    '-p',
    path.join(root, 'tsconfig.build.json'),
  ],
  {
    stdio: 'inherit',
  },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
closeSync(openSync(stamp, 'a'));
// The start time, not the end: a file saved during the build is newer and builds again next time.
utimesSync(stamp, startedAt, startedAt);
