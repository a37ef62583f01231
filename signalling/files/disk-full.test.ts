/**
 * The service on a disk that fills up, on a real (tiny) tmpfs (issue 15): announcements that would
 * leave less than `VS_MIN_FREE_BYTES` are refused, a full disk refuses writes cleanly and says so
 * on `/healthz`, and space can still be freed through the API and by the retention sweep.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { UploadCreated } from '../../src/rest.js';
import { createApp } from '../app.js';
import { resolveConfig } from '../config.js';
import { createServices } from '../services.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import { TEST_API_KEY } from '../testing/service.js';
import { mountTmpfs, type Tmpfs } from '../testing/tmpfs.js';
import {
  EBML,
  PNG,
  announce,
  bytesOf,
  call,
  cleanup,
  patch,
  runCleanup,
  setup,
  store,
  type Setup,
} from '../testing/uploads.js';

afterEach(runCleanup);

/** A tmpfs of `size`, unmounted after the test (after the service on it stopped). */
function tmpfs(size: string): Tmpfs {
  const fs = mountTmpfs(size);
  cleanup.push(async () => fs.unmount());
  return fs;
}

const health = async (s: Setup) => {
  const res = await fetch(`${s.service.url}/healthz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

const shot = (ref: string) => ({ kind: 'screenshot', ref, name: `${ref}.png`, type: 'image/png' });

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

describe('a full disk', () => {
  it('refuses writes cleanly, says so on /healthz, and is freed through DELETE', async () => {
    const fs = tmpfs('2m');
    const s = await setup({ dataDir: fs.dir, minFreeBytes: 0 });
    const token = s.session.agentToken;
    await store(s, token, bytesOf(PNG, 250_000), shot('a'));
    await store(s, token, bytesOf(PNG, 250_000), shot('b'));
    const pending = bytesOf(EBML, 400_000);
    const up = (await announce(s, token, pending)).body as unknown as UploadCreated;
    expect((await patch(s, token, up.uploadId, 0, pending.subarray(0, 100_000))).status).toBe(200);
    expect(await health(s)).toMatchObject({ status: 200, body: { ok: true } });

    fs.fill('someone-else');
    expect(await health(s)).toMatchObject({
      status: 503,
      body: { ok: false, storage: { writable: false } },
    });
    // The next chunk does not fit: refused, and the upload stays where it was.
    expect(
      (await patch(s, token, up.uploadId, 100_000, pending.subarray(100_000))).body,
    ).toMatchObject({ status: 507, code: 'ERR_STORAGE_FULL' });
    const at = await call(s, 'GET', `/v1/sessions/${s.session.id}/uploads/${up.uploadId}`, token);
    expect(at.body).toMatchObject({ offset: 100_000 });
    // A new announcement is refused and leaves nothing behind.
    const uploadsBefore = readdirSync(join(fs.dir, 'uploads'));
    expect((await announce(s, token, bytesOf(PNG, 1000), shot('c'))).body).toMatchObject({
      status: 507,
      code: 'ERR_STORAGE_FULL',
    });
    expect(readdirSync(join(fs.dir, 'uploads'))).toEqual(uploadsBefore);

    // Erasing the session's files works on the full disk, and frees it.
    const erased = await call(s, 'DELETE', `/v1/sessions/${s.session.id}/files`, TEST_API_KEY);
    expect(erased).toMatchObject({ status: 200, body: { deleted: 2 } });
    expect(readdirSync(join(fs.dir, 'uploads'))).toEqual([]);
    expect(existsSync(join(fs.dir, 'files', s.session.id))).toBe(false);
    expect(await health(s)).toMatchObject({ status: 200, body: { ok: true } });
    await s.receiver.until(
      (r) => r.distinct().filter((d) => d.event.type === 'file.deleted').length === 2,
    );
  });

  it('lets the retention sweep delete old files', async () => {
    vi.useFakeTimers({ toFake: ['setInterval'] });
    cleanup.push(async () => void vi.useRealTimers());
    const fs = tmpfs('2m');
    // Stored two days ago (the clock goes back; webhook deliveries are signed with the real time).
    const s = await setup(
      { dataDir: fs.dir, minFreeBytes: 0, retentionDays: 1 },
      Date.now() - 2 * 86_400_000,
    );
    const old = await store(s, s.session.agentToken, bytesOf(EBML, 500_000));
    s.clock.now = Date.now();
    fs.fill('someone-else');
    vi.advanceTimersByTime(60 * 60_000);
    await s.receiver.until((r) => r.distinct().some((d) => d.event.type === 'file.deleted'));
    await vi.waitFor(() =>
      expect(existsSync(join(fs.dir, 'files', s.session.id, old.id))).toBe(false),
    );
  });
});

describe('an announcement the store fails to write', () => {
  it.each([
    ['SQLITE_FULL', 507, 'ERR_STORAGE_FULL'],
    ['SQLITE_IOERR', 500, 'ERR_INTERNAL'],
  ])('(%s) leaves no file in uploads/', async (code, status, answer) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vs-failing-store-'));
    const config = resolveConfig({ apiKey: TEST_API_KEY, dataDir, tokenSecret: 'x'.repeat(40) });
    const store = openSqliteStore(':memory:');
    const failing = {
      ...store,
      files: {
        ...store.files,
        insertUpload: () => Promise.reject(Object.assign(new Error('no'), { code })),
      },
    };
    const services = createServices(config, { store: failing, logger: pino({ level: 'silent' }) });
    cleanup.push(() => services.close());
    const app = createApp({ ...services, sdkScript: () => Promise.resolve(null) });
    const ask = (path: string, key: string, body: unknown) =>
      app.request(path, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const session = (await (
      await ask('/v1/sessions', TEST_API_KEY, { ticketId: 'T-1', agent: { id: 'a', name: 'A' } })
    ).json()) as { id: string; agentToken: string };
    const res = await ask(`/v1/sessions/${session.id}/uploads`, session.agentToken, {
      ...shot('s'),
      size: 100,
      sha256: 'a'.repeat(64),
    });
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ code: answer });
    expect(readdirSync(join(dataDir, 'uploads'))).toEqual([]);
  });
});
