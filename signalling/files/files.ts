/**
 * Files on the service (screenshots, recordings): resumable uploads by the widgets' own `ref`,
 * checked (size, type, magic bytes, SHA-256) when the last byte arrives, then stored with their
 * session. A stored file's row and its webhook event are written in one transaction. Files leave
 * through `cleanup` (`file-cleanup.ts`). Knows nothing of HTTP.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ErrorCode } from '../../src/errors.js';
import type { FileKind, Uploader } from '../../src/events.js';
import type { Refused, Result } from '../../src/parse.js';
import type { CreateUpload, FileInfo } from '../../src/rest.js';
import type { ServerConfig } from '../config.js';
import { iso } from '../sessions/session-draft.js';
import { isAccepted, notAccepted, type Sessions } from '../sessions/sessions.js';
import type {
  FileDescription,
  FileRecord,
  SessionStore,
  UploadLimits,
  UploadRecord,
} from '../store/store.js';
import { FileCleanup } from './file-cleanup.js';
import { isDiskFull, type FileDisk } from './file-disk.js';
import type { FileLinks, LinkAudience } from './file-links.js';
import { allowedType, allowedTypes } from './file-types.js';
import { UploadLocks } from './upload-locks.js';

/** The most bytes one `PATCH` may carry. */
export const CHUNK_SIZE = 1024 * 1024;

const refuse = (code: ErrorCode, reason: string, offset?: number): Refused => ({
  ok: false,
  code,
  reason,
  ...(offset === undefined ? {} : { offset }),
});

export interface FilesOptions {
  store: SessionStore;
  sessions: Sessions;
  disk: FileDisk;
  links: FileLinks;
  config: ServerConfig['files'];
  logger: Logger;
  now?: () => number;
}

export class Files {
  private readonly opts: FilesOptions;
  private readonly now: () => number;
  private readonly locks = new UploadLocks();
  /** Erasure, the retention sweep, and the start-up check. */
  readonly cleanup: FileCleanup;

  constructor(opts: FilesOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    this.cleanup = new FileCleanup({ ...opts, locks: this.locks, now: this.now });
  }

  /**
   * Announces a file, or resumes the upload with the same `ref`: `created` true for a new upload;
   * `file` set when that ref's file is already stored.
   */
  async create(
    sessionId: string,
    input: CreateUpload,
    by: Uploader,
  ): Promise<Result<{ created: boolean; upload: UploadRecord; file: FileRecord | null }>> {
    const { store, sessions } = this.opts;
    // A request's customer holds a token before anybody took the request: no files from it.
    const session = await sessions.get(sessionId);
    if (!session) return refuse('ERR_SESSION_NOT_FOUND', sessionId);
    if (by !== 'host' && !isAccepted(session)) return notAccepted(session);
    const base = allowedType(input.kind, input.type);
    if (!base) {
      return refuse('ERR_UPLOAD_TYPE', `a ${input.kind} is one of ${allowedTypes(input.kind)}`);
    }
    const max = this.opts.config.maxBytes[input.kind];
    if (input.size > max) {
      return refuse('ERR_UPLOAD_TOO_LARGE', `a ${input.kind} is at most ${max} bytes`);
    }
    const described = {
      sessionId,
      ref: input.ref,
      kind: input.kind,
      name: input.name,
      type: input.type.trim(),
      size: input.size,
      sha256: input.sha256,
      // Who took a still is who uploads it (the taker saves it): a widget's own claim is not
      // taken; the host's backend is trusted with its own.
      meta: by === 'host' ? (input.meta ?? {}) : { ...input.meta, takenBy: by },
      by,
    };
    const file = await store.files.fileByRef(sessionId, by, input.ref);
    if (file) {
      if (file.sha256 !== input.sha256 || file.size !== input.size) {
        return refuse('ERR_UPLOAD_CONFLICT', `ref ${input.ref} is a stored file with other bytes`);
      }
      return { ok: true, value: { created: false, upload: uploadOf(file), file } };
    }
    const at = this.now();
    for (let attempt = 0; attempt < 2; attempt++) {
      const known = await store.files.uploadByRef(sessionId, by, input.ref);
      if (known) {
        if (known.sha256 === input.sha256 && known.size === input.size) {
          // A complete upload whose storing was interrupted: finish it now.
          if (known.offset === known.size) return this.resumeFinish(known);
          return { ok: true, value: { created: false, upload: known, file: null } };
        }
        // The same ref with other bytes before it was complete: start it again as described.
        const replaced = await this.locks.run(known.id, async (): Promise<Result<UploadRecord>> => {
          const next = { ...known, ...described, offset: 0, updatedAt: at };
          const limits = await this.limits(sessionId, by, input.size, known);
          if (!limits.ok) return limits;
          const written = await this.guarded(() => store.files.replaceUpload(next, limits.value));
          if (written === 'full') return storageFull();
          if (!written) {
            const again = await this.limits(sessionId, by, input.size, known);
            return again.ok ? refuse('ERR_UPLOAD_BUSY', 'uploads are being announced') : again;
          }
          // The row says 0 from now on: whatever the file still holds is written over.
          await this.opts.disk.createUpload(known.id);
          return { ok: true, value: next };
        });
        if (!replaced) return refuse('ERR_UPLOAD_BUSY', 'the upload is being written');
        if (!replaced.ok) return replaced;
        return { ok: true, value: { created: false, upload: replaced.value, file: null } };
      }
      const limits = await this.limits(sessionId, by, input.size, null);
      if (!limits.ok) return limits;
      const id = `upl_${randomBytes(16).toString('base64url')}`;
      const upload: UploadRecord = { ...described, id, offset: 0, createdAt: at, updatedAt: at };
      let inserted: boolean | 'full' = false;
      try {
        await this.opts.disk.createUpload(id);
        inserted = await this.guarded(() => store.files.insertUpload(upload, limits.value));
      } catch (err) {
        if (!isDiskFull(err)) throw err;
        inserted = 'full';
      } finally {
        // Refused, or the disk or the store failed: the announcement leaves nothing behind.
        if (inserted !== true) await this.opts.disk.removeUpload(id);
      }
      if (inserted === 'full') return storageFull();
      if (inserted) return { ok: true, value: { created: true, upload, file: null } };
      // Another request announced the same ref at the same time (answer with that one), or took
      // what was left under a cap.
      if (await store.files.uploadByRef(sessionId, by, input.ref)) continue;
      const again = await this.limits(sessionId, by, input.size, null);
      return again.ok ? refuse('ERR_UPLOAD_BUSY', 'uploads are being announced') : again;
    }
    return refuse('ERR_UPLOAD_BUSY', 'the upload is being announced');
  }

  /**
   * The caps a new upload of `size` by `by` (or `replacing` one of theirs) must stay within, or
   * the refusal of the first it would pass: `VS_MAX_SESSION_UPLOADS` unfinished uploads per
   * session and uploader, `VS_MAX_SESSION_BYTES` for the session's files, and the disk's free
   * space less `VS_MIN_FREE_BYTES` for what every unfinished upload still needs. The store checks
   * them again as it writes the row.
   */
  private async limits(
    sessionId: string,
    by: Uploader,
    size: number,
    replacing: UploadRecord | null,
  ): Promise<Result<UploadLimits>> {
    const { config, store, disk } = this.opts;
    const usage = await store.files.usage(sessionId, by);
    if (!replacing && usage.uploads >= config.maxSessionUploads) {
      return refuse(
        'ERR_TOO_MANY_UPLOADS',
        `at most ${config.maxSessionUploads} unfinished uploads per session and uploader`,
      );
    }
    const used = usage.sessionBytes - (replacing?.size ?? 0);
    if (used + size > config.maxSessionBytes) {
      return refuse(
        'ERR_UPLOAD_TOO_LARGE',
        `a session's files take at most ${config.maxSessionBytes} bytes; ${used} are taken`,
      );
    }
    const room = (await disk.freeBytes()) - config.minFreeBytes;
    const pending = usage.pendingBytes - (replacing ? replacing.size - replacing.offset : 0);
    if (pending + size > room) {
      return refuse('ERR_STORAGE_FULL', `${size} bytes do not fit on the service's disk now`);
    }
    return {
      ok: true,
      value: {
        maxSessionBytes: config.maxSessionBytes,
        maxUploads: config.maxSessionUploads,
        room,
      },
    };
  }

  /** A store write, or `full` when the disk refused it. */
  private async guarded(write: () => Promise<boolean>): Promise<boolean | 'full'> {
    try {
      return await write();
    } catch (err) {
      if (isDiskFull(err)) return 'full';
      throw err;
    }
  }

  /**
   * An upload of the session (or the stored file it became), if it is `by`'s: an upload is
   * written to and read by who announced it (null: anybody's, for the host's reads).
   */
  async find(
    sessionId: string,
    uploadId: string,
    by: Uploader | null,
  ): Promise<{ upload: UploadRecord; file: FileRecord | null } | null> {
    const mine = (f: FileDescription) => f.sessionId === sessionId && (by === null || f.by === by);
    const upload = await this.opts.store.files.getUpload(uploadId);
    if (upload) return mine(upload) ? { upload, file: null } : null;
    const file = await this.opts.store.files.getFile(fileIdOf(uploadId));
    return file && mine(file) ? { upload: uploadOf(file), file } : null;
  }

  /**
   * Appends `body` at `offset` (at most `CHUNK_SIZE` bytes, and not past the file's size). When
   * the last byte arrives the file is checked and stored (`file` in the answer).
   */
  async write(
    sessionId: string,
    uploadId: string,
    offset: number,
    body: ReadableStream<Uint8Array> | null,
    by: Uploader,
  ): Promise<Result<{ offset: number; file: FileRecord | null }>> {
    const result = await this.locks.run(
      uploadId,
      async (): Promise<Result<{ offset: number; file: FileRecord | null }>> => {
        const found = await this.find(sessionId, uploadId, by);
        if (!found) return refuse('ERR_UPLOAD_NOT_FOUND', uploadId);
        const { upload, file } = found;
        if (file || offset !== upload.offset) {
          return refuse('ERR_UPLOAD_OFFSET', `the upload is at ${upload.offset}`, upload.offset);
        }
        const room = Math.min(CHUNK_SIZE, upload.size - upload.offset);
        const wrote = await this.opts.disk.writeAt(uploadId, offset, body, room);
        if (!wrote.ok) {
          if (wrote.reason === 'gone') return refuse('ERR_UPLOAD_NOT_FOUND', uploadId);
          if (wrote.reason === 'too-large') {
            return refuse(
              'ERR_UPLOAD_TOO_LARGE',
              `at most ${room} bytes from ${offset} (chunks of ${CHUNK_SIZE}, size ${upload.size})`,
              upload.offset,
            );
          }
          if (wrote.reason === 'full') return storageFull(upload.offset);
          return refuse('ERR_BODY_INVALID', 'the body did not arrive whole', upload.offset);
        }
        const next = offset + wrote.written;
        if (wrote.written > 0) {
          const saved = await this.guarded(async () => {
            await this.opts.store.files.setOffset(uploadId, next, this.now());
            return true;
          });
          if (saved === 'full') return storageFull(upload.offset);
        }
        if (next < upload.size) return { ok: true, value: { offset: next, file: null } };
        return this.finish({ ...upload, offset: next });
      },
    );
    return result ?? refuse('ERR_UPLOAD_BUSY', 'another request is writing to this upload');
  }

  /**
   * Whether the data dir's disk takes writes now (a block written and synced), and its free
   * space: what `/healthz` reports.
   */
  async health(): Promise<{ writable: boolean; freeBytes: number }> {
    const { disk } = this.opts;
    return { writable: await disk.canWrite(), freeBytes: await disk.freeBytes() };
  }

  /** A session's stored files. */
  list(sessionId: string): Promise<FileRecord[]> {
    return this.opts.store.files.filesOfSession(sessionId);
  }

  get(fileId: string): Promise<FileRecord | null> {
    return this.opts.store.files.getFile(fileId);
  }

  path(file: FileRecord): string {
    return this.opts.disk.filePath(file.sessionId, file.id);
  }

  /** What the API answers about a file, with a link for `aud` valid `ttlSeconds`. */
  info(file: FileRecord, aud: LinkAudience, ttlSeconds: number): FileInfo {
    const link = this.opts.links.sign(file.id, aud, this.now() + ttlSeconds * 1000);
    return {
      id: file.id,
      sessionId: file.sessionId,
      ref: file.ref,
      kind: file.kind,
      name: file.name,
      type: file.type,
      size: file.size,
      sha256: file.sha256,
      createdAt: iso(file.createdAt)!,
      meta: file.meta,
      by: file.by,
      url: link.url,
      urlExpiresAt: link.expiresAt.toISOString(),
    };
  }

  /** Checks a complete upload and stores it with its event, in one transaction. */
  private async finish(
    upload: UploadRecord,
  ): Promise<Result<{ offset: number; file: FileRecord | null }>> {
    const { disk, sessions } = this.opts;
    const fileId = fileIdOf(upload.id);
    const placed = disk.filePath(upload.sessionId, fileId);
    const source = (await disk.exists(disk.uploadPath(upload.id)))
      ? disk.uploadPath(upload.id)
      : placed;
    if (source === disk.uploadPath(upload.id)) await disk.truncateUpload(upload.id, upload.size);
    const base = allowedType(upload.kind, upload.type)!;
    if (!(await disk.check(source, base, upload.sha256))) {
      if (source === placed)
        await disk.place(upload.id, upload.sessionId, fileId).catch(() => undefined);
      await disk.createUpload(upload.id);
      await this.opts.store.files.setOffset(upload.id, 0, this.now());
      return refuse(
        'ERR_UPLOAD_CORRUPT',
        `the bytes are not the ${base} with SHA-256 ${upload.sha256}; upload it again from 0`,
        0,
      );
    }
    if (source !== placed) await disk.place(upload.id, upload.sessionId, fileId);
    const file: FileRecord = {
      ...descriptionOf(upload),
      id: fileId,
      uploadId: upload.id,
      createdAt: this.now(),
    };
    const ttl = this.opts.config.eventLinkTtl;
    let done: Result<unknown>;
    try {
      done = await sessions.change(upload.sessionId, file.by, (d) => {
        d.files.add.push(file);
        d.files.removeUploads.push(upload.id);
        const info = this.info(file, 'host', ttl);
        d.emit(eventTypeOf(file.kind), {
          fileId: file.id,
          ref: file.ref,
          name: file.name,
          type: file.type,
          size: file.size,
          sha256: file.sha256,
          meta: file.meta,
          by: file.by,
          url: info.url,
          urlExpiresAt: info.urlExpiresAt,
        });
      });
    } catch (err) {
      // The bytes are in place; announcing the ref again stores the file (see `resumeFinish`).
      if (isDiskFull(err)) return storageFull(upload.offset);
      throw err;
    }
    if (!done.ok) return done;
    this.opts.logger.info({ sessionId: file.sessionId, fileId, size: file.size }, 'file stored');
    return { ok: true, value: { offset: upload.size, file } };
  }

  /** Finishes an upload found complete on a new announcement (a crash came in between). */
  private async resumeFinish(
    upload: UploadRecord,
  ): Promise<Result<{ created: boolean; upload: UploadRecord; file: FileRecord | null }>> {
    const done = await this.locks.run(upload.id, () => this.finish(upload));
    if (!done) return refuse('ERR_UPLOAD_BUSY', 'the upload is being stored');
    if (!done.ok) return done;
    return {
      ok: true,
      value: {
        created: false,
        upload: { ...upload, offset: done.value.offset },
        file: done.value.file,
      },
    };
  }
}

function storageFull(offset?: number): Refused {
  return refuse('ERR_STORAGE_FULL', "the service's disk is full", offset);
}

/** A stored file keeps its upload's random part: `upl_X` becomes `fil_X`. */
function fileIdOf(uploadId: string): string {
  return `fil_${uploadId.slice(4)}`;
}

/** What a file was announced as. */
function descriptionOf(f: FileDescription): FileDescription {
  const { sessionId, ref, kind, name, type, size, sha256, meta, by } = f;
  return { sessionId, ref, kind, name, type, size, sha256, meta, by };
}

/** A stored file seen as the upload it was (complete). */
function uploadOf(file: FileRecord): UploadRecord {
  const { uploadId: id, createdAt } = file;
  return { ...descriptionOf(file), id, offset: file.size, createdAt, updatedAt: createdAt };
}

function eventTypeOf(kind: FileKind): 'screenshot.created' | 'recording.available' {
  return kind === 'screenshot' ? 'screenshot.created' : 'recording.available';
}
