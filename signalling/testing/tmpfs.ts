/**
 * Test support (used by tests only): a tiny real file system to fill, a tmpfs of a given size
 * mounted on a fresh folder (the tests run as root). A test that needs one fails when it cannot be
 * mounted: a full disk is what it is about, and a skipped test would pass in silence.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmdirSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmpfs {
  dir: string;
  /** Bytes an unprivileged write can still take. */
  free(): number;
  /** Writes `name` until the file system refuses (ENOSPC); how many bytes it took. */
  fill(name: string): number;
  unmount(): void;
}

/** Mounts a tmpfs of `size` (`mount -o size=`, e.g. `2m`) on a new folder; throws if it cannot. */
export function mountTmpfs(size: string): Tmpfs {
  const dir = mkdtempSync(join(tmpdir(), 'vs-tmpfs-'));
  const mounted = spawnSync(
    'mount',
    ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir],
    {
      encoding: 'utf8',
    },
  );
  if (mounted.status !== 0) {
    rmdirSync(dir);
    throw new Error(
      `this test needs a tmpfs of ${size} (run it as root): mount failed: ${mounted.stderr || mounted.error?.message}`,
    );
  }
  return {
    dir,
    free() {
      const s = statfsSync(dir);
      return s.bavail * s.bsize;
    },
    fill(name) {
      const fd = openSync(join(dir, name), 'a');
      let taken = 0;
      try {
        // Large writes first, then smaller ones: the last free block is taken too.
        for (let chunk = 64 * 1024; chunk >= 1; chunk = Math.floor(chunk / 4)) {
          const bytes = Buffer.alloc(chunk, 1);
          for (;;) {
            try {
              taken += writeSync(fd, bytes);
            } catch (err) {
              if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
              break;
            }
          }
        }
      } finally {
        closeSync(fd);
      }
      return taken;
    },
    unmount() {
      const done = spawnSync('umount', [dir], { encoding: 'utf8' });
      // Busy (a handle still open): detach it now, it goes once the last handle closes.
      if (done.status !== 0) spawnSync('umount', ['-l', dir]);
      rmdirSync(dir);
    },
  };
}
