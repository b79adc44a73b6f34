import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/run-cli.js';
import { useTempDir } from './helpers/temp-dir.js';

const tempDir = useTempDir();

/**
 * A checkout in miniature: the real script, a src/ tree, and a stand-in
 * `tsc` that records each run (and fails when told to), so the test sees
 * exactly when `npm start` would compile.
 */
function miniCheckout(): { root: string; start: () => number; builds: () => number } {
  const root = tempDir();
  mkdirSync(path.join(root, 'scripts'));
  copyFileSync(
    path.join(repoRoot, 'scripts/build-if-stale.mjs'),
    path.join(root, 'scripts/build-if-stale.mjs'),
  );
  mkdirSync(path.join(root, 'src/inbox'), { recursive: true });
  writeFileSync(path.join(root, 'src/cli.ts'), 'export {};\n');
  writeFileSync(path.join(root, 'src/inbox/ingest.ts'), 'export {};\n');
  for (const file of ['tsconfig.json', 'tsconfig.build.json']) {
    writeFileSync(path.join(root, file), '{}\n');
  }
  mkdirSync(path.join(root, 'node_modules/typescript/bin'), { recursive: true });
  writeFileSync(
    path.join(root, 'node_modules/typescript/bin/tsc'),
    [
      "const fs = require('node:fs');",
      "const path = require('node:path');",
      "const root = path.resolve(__dirname, '../../..');",
      "fs.mkdirSync(path.join(root, 'dist'), { recursive: true });",
      "fs.appendFileSync(path.join(root, 'builds.log'), 'built\\n');",
      "if (fs.existsSync(path.join(root, 'FAIL'))) process.exit(2);",
    ].join('\n'),
  );
  writeFileSync(path.join(root, 'node_modules/typescript/package.json'), '{"type":"commonjs"}');
  return {
    root,
    start: () =>
      spawnSync(process.execPath, [path.join(root, 'scripts/build-if-stale.mjs')], {
        cwd: root,
        stdio: 'ignore',
      }).status ?? -1,
    builds: () => {
      try {
        return readFileSync(path.join(root, 'builds.log'), 'utf8').split('\n').length - 1;
      } catch {
        return 0;
      }
    },
  };
}

/** Sets a file's modification time to `seconds` ago. */
const ago = (file: string, seconds: number) => {
  const at = new Date(Date.now() - seconds * 1000);
  utimesSync(file, at, at);
};

/** The last build happened a while ago; then `file` was edited (or its folder changed). */
const editedSinceBuild = (root: string, file: string) => {
  ago(path.join(root, 'dist/.build-stamp'), 500);
  ago(path.join(root, file), 100);
};

describe('npm start compiles only when the build is out of date', () => {
  it('builds a fresh clone, then skips while nothing changed', () => {
    const c = miniCheckout();
    expect(c.start()).toBe(0);
    expect(c.builds()).toBe(1);
    expect(c.start()).toBe(0);
    expect(c.start()).toBe(0);
    expect(c.builds()).toBe(1);
  });

  it('builds again after a source file or a tsconfig changed, or a file was removed', () => {
    const c = miniCheckout();
    for (const file of ['src', 'src/inbox', 'src/cli.ts', 'src/inbox/ingest.ts', 'tsconfig.json'])
      ago(path.join(c.root, file), 1000);
    ago(path.join(c.root, 'tsconfig.build.json'), 1000);
    c.start();
    expect(c.builds()).toBe(1);
    editedSinceBuild(c.root, 'src/inbox/ingest.ts');
    c.start();
    expect(c.builds()).toBe(2);
    editedSinceBuild(c.root, 'tsconfig.build.json');
    c.start();
    expect(c.builds()).toBe(3);
    rmSync(path.join(c.root, 'src/cli.ts'));
    editedSinceBuild(c.root, 'src');
    c.start();
    expect(c.builds()).toBe(4);
    c.start();
    expect(c.builds()).toBe(4);
  });

  it('stops npm start when the compile fails, and tries again next time', () => {
    const c = miniCheckout();
    writeFileSync(path.join(c.root, 'FAIL'), '');
    expect(c.start()).toBe(2);
    rmSync(path.join(c.root, 'FAIL'));
    expect(c.start()).toBe(0);
    expect(c.builds()).toBe(2);
    rmSync(path.join(c.root, 'dist'), { recursive: true });
    expect(c.start()).toBe(0);
    expect(c.builds()).toBe(3);
  });
});
