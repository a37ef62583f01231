/**
 * Files leave the service here: erasure on request, the retention sweep, and the start-up check
 * for bytes no row claims. A stored file's row goes first, with its `file.deleted` event in the
 * same transaction; its bytes right after (a crash in between leaves bytes that `reconcile`
 * removes). The bytes of unfinished uploads go first: they free space for those rows. On a full
 * disk the rows are written with the space the disk's reserve gives back (`FileDisk`).
 */
import { stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Result } from '../../src/parse.js';
import type { ServerConfig } from '../config.js';
import type { Sessions } from '../sessions/sessions.js';
import type { FileRecord, SessionStore } from '../store/store.js';
import { isDiskFull, type FileDisk } from './file-disk.js';
import { allowedType } from './file-types.js';
import type { UploadLocks } from './upload-locks.js';

export interface FileCleanupOptions {
  store: SessionStore;
  sessions: Sessions;
  disk: FileDisk;
  locks: UploadLocks;
  config: ServerConfig['files'];
  logger: Logger;
  now: () => number;
}

export class FileCleanup {
  private readonly opts: FileCleanupOptions;

  constructor(opts: FileCleanupOptions) {
    this.opts = opts;
  }

  /**
   * Deletes every file and unfinished upload of a session, now (`file.deleted`, reason `erased`,
   * one per file); how many files. Waits for uploads being written to.
   */
  async erase(sessionId: string): Promise<Result<number>> {
    const { store, disk, locks } = this.opts;
    const uploads = await store.files.uploadsOfSession(sessionId);
    await Promise.all(uploads.map((u) => locks.released(u.id)));
    // Unfinished bytes are worth nothing once erasure is asked for: they go first, freeing space.
    for (const u of uploads) await disk.removeUpload(u.id);
    const files = await store.files.filesOfSession(sessionId);
    const done = await this.withSpace(() =>
      this.removeRows(
        sessionId,
        files,
        uploads.map((u) => u.id),
        'erased',
      ),
    );
    if (!done.ok) return done;
    await disk.removeSession(sessionId);
    await this.restoreReserve();
    return { ok: true, value: files.length };
  }

  /**
   * The retention sweep: files stored more than `VS_RETENTION_DAYS` ago (`file.deleted`, reason
   * `retention`), and uploads untouched for longer than the grace period. What it removed.
   */
  async sweep(): Promise<{ files: number; uploads: number }> {
    const { store, disk, config, locks } = this.opts;
    const now = this.opts.now();
    let removedFiles = 0;
    for (;;) {
      const old = await store.files.filesCreatedBefore(
        now - config.retentionDays * 86_400_000,
        200,
      );
      if (old.length === 0) break;
      const bySession = new Map<string, FileRecord[]>();
      for (const f of old) bySession.set(f.sessionId, [...(bySession.get(f.sessionId) ?? []), f]);
      for (const [sessionId, files] of bySession) {
        const done = await this.withSpace(() => this.removeRows(sessionId, files, [], 'retention'));
        if (!done.ok) throw new Error(`retention sweep: ${done.code} ${done.reason}`);
        for (const f of files) await disk.removeFile(sessionId, f.id);
        removedFiles += files.length;
      }
    }
    let removedUploads = 0;
    const stale = await store.files.staleUploads(now - config.uploadGraceHours * 3600_000, 1000);
    for (const u of stale) {
      if (locks.isHeld(u.id)) continue;
      // The bytes first: without them the row is an upload that answers "not found".
      await disk.removeUpload(u.id);
      await this.withSpace(() => store.files.deleteUpload(u.id));
      removedUploads++;
    }
    if (removedFiles + removedUploads > 0) await this.restoreReserve();
    return { files: removedFiles, uploads: removedUploads };
  }

  /**
   * At start: removes bytes on disk that no row claims (left by a crash between a store write and
   * the disk), keeping a stored upload whose file row is not written yet, and puts back in place
   * the bytes of a stored file whose move out of `uploads/` did not reach the disk (a power loss
   * right after it).
   */
  async reconcile(): Promise<number> {
    const { store, disk, logger } = this.opts;
    let removed = 0;
    for (const id of await disk.uploadIds()) {
      if (await store.files.getUpload(id)) continue;
      if (await this.replace(id)) continue;
      await disk.removeUpload(id);
      removed++;
    }
    for (const [sessionId, fileId] of await disk.fileIds()) {
      const claimed =
        (await store.files.getFile(fileId)) ??
        (await store.files.getUpload(`upl_${fileId.slice(4)}`));
      if (!claimed) {
        await disk.removeFile(sessionId, fileId);
        removed++;
      }
    }
    if (removed > 0) logger.warn({ removed }, 'removed file bytes no record claimed');
    await this.restoreReserve();
    return removed;
  }

  /**
   * Moves upload `id`'s bytes to their place when they are a stored file's, missing there, and
   * check out (size, type, SHA-256); whether it did.
   */
  private async replace(id: string): Promise<boolean> {
    const { store, disk, logger } = this.opts;
    const file = await store.files.getFile(`fil_${id.slice(4)}`);
    if (!file || (await disk.exists(disk.filePath(file.sessionId, file.id)))) return false;
    const base = allowedType(file.kind, file.type);
    const bytes = disk.uploadPath(id);
    if (
      !base ||
      (await stat(bytes)).size !== file.size ||
      !(await disk.check(bytes, base, file.sha256))
    ) {
      logger.error({ fileId: file.id, uploadId: id }, 'bytes left in uploads/ are not their file');
      return false;
    }
    await disk.place(id, file.sessionId, file.id);
    logger.warn({ fileId: file.id }, 'put back the bytes of a stored file after a crash');
    return true;
  }

  /**
   * Runs `write`, a store write that frees space; when the disk is too full for it, releases the
   * disk's reserve and runs it once more.
   */
  private async withSpace<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if (!isDiskFull(err) || !(await this.opts.disk.releaseReserve())) throw err;
      this.opts.logger.warn('the disk is full: released its reserve to free space');
      return await write();
    }
  }

  /** Holds the reserve back again once there is room for it. */
  private async restoreReserve(): Promise<void> {
    if (!(await this.opts.disk.keepReserve())) {
      this.opts.logger.warn('the disk is full: no room for its reserve yet');
    }
  }

  /** Removes file rows and upload rows with one `file.deleted` per file, in one transaction. */
  private async removeRows(
    sessionId: string,
    files: FileRecord[],
    uploadIds: string[],
    reason: 'erased' | 'retention',
  ): Promise<Result<null>> {
    if (files.length === 0 && uploadIds.length === 0) return { ok: true, value: null };
    // Erasure is the host's request; retention the service's own.
    const done = await this.opts.sessions.change(
      sessionId,
      reason === 'erased' ? 'host' : 'service',
      (d) => {
        for (const f of files) {
          d.files.remove.push(f.id);
          d.emit('file.deleted', { fileId: f.id, kind: f.kind, name: f.name, reason });
        }
        d.files.removeUploads.push(...uploadIds);
      },
    );
    return done.ok ? { ok: true, value: null } : done;
  }
}
