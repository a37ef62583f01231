/**
 * The service on a disk that fills up, on a real (tiny) tmpfs (issue 15): announcements that would
 * leave less than `VS_MIN_FREE_BYTES` are refused.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mountTmpfs, type Tmpfs } from '../testing/tmpfs.js';
import { EBML, announce, bytesOf, cleanup, runCleanup, setup } from '../testing/uploads.js';

afterEach(runCleanup);

/** A tmpfs of `size`, unmounted after the test (after the service on it stopped). */
function tmpfs(size: string): Tmpfs {
  const fs = mountTmpfs(size);
  cleanup.push(async () => fs.unmount());
  return fs;
}

describe('the free-space floor', () => {
  it('refuses announcements that would leave less than VS_MIN_FREE_BYTES, counting unfinished uploads', async () => {
    const fs = tmpfs('4m');
    const s = await setup({ dataDir: fs.dir, minFreeBytes: 2 * 1024 * 1024 });
    const room = fs.free() - 2 * 1024 * 1024;
    expect(room).toBeGreaterThan(500_000);
    const token = s.session.agentToken;
    const part = Math.floor(room * 0.6);
    const files = Array.from({ length: 10 }, () => bytesOf(EBML, part));
    const answers = await Promise.all(
      files.map((bytes, i) => announce(s, token, bytes, { ref: `rec-${i}` })),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    for (const a of answers.filter((a) => a.status !== 201)) {
      expect(a.body).toMatchObject({ status: 507, code: 'ERR_STORAGE_FULL' });
    }
    expect(readdirSync(join(fs.dir, 'uploads'))).toHaveLength(1);
    // What still fits is taken.
    expect(
      (await announce(s, token, bytesOf(EBML, Math.floor(room * 0.2)), { ref: 'x' })).status,
    ).toBe(201);
  });
});
