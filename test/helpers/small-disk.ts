import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A real file system that runs out of space: a tmpfs of `sizeMb` mounted on
 * a fresh folder (the tests run as root here and in CI). `fill()` takes all
 * but `leaveKb` of what is free with a filler file, `free()` removes it.
 * Returns null where mounting is not allowed, so callers can skip and say so.
 */
export interface SmallDisk {
  readonly dir: string;
  /** Fills the disk up to `leaveKb` KiB of free space; returns the bytes written. */
  fill(leaveKb?: number): number;
  free(): void;
  unmount(): void;
}

export function mountSmallDisk(sizeMb: number): SmallDisk | null {
  const dir = mkdtempSync(path.join(tmpdir(), 'kith-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir], {
      stdio: 'ignore',
    });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  const filler = path.join(dir, 'filler');
  return {
    dir,
    fill(leaveKb = 0) {
      const { bavail, bsize } = statfs(dir);
      let left = Math.max(0, bavail * bsize - leaveKb * 1024);
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(64 * 1024, 1);
      let written = 0;
      try {
        while (left > 0) {
          const n = writeSync(fd, chunk, 0, Math.min(chunk.length, left));
          written += n;
          left -= n;
        }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        closeSync(fd);
      }
      return written;
    },
    free() {
      rmSync(filler, { force: true });
    },
    unmount() {
      execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function statfs(dir: string): { bavail: number; bsize: number } {
  const s = statfsSync(dir);
  return { bavail: Number(s.bavail), bsize: Number(s.bsize) };
}
