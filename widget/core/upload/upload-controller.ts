/**
 * Uploads files from this device to the service (`POST .../uploads`, then `PATCH` in chunks from
 * the offset the service reports), resumable across dropped connections and reloads: each job is
 * written to IndexedDB before the first byte leaves, and `resumeUploads(sessionId)` continues
 * whatever an earlier page left. The local data of a file (its upload job, the still or the
 * recording with its chunks, all keyed by the upload `ref`) is deleted only once the service has
 * confirmed the whole file, in one transaction.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { backoffDelay } from '../../../src/backoff.js';
import { VideoSessionError, type ErrorCode } from '../../../src/errors.js';
import type { FileKind, FileMeta } from '../../../src/events.js';
import type { Role } from '../../../src/protocol.js';
import type { FileInfo } from '../../../src/rest.js';
import { createUpload, sendUploadChunk, serviceBase } from '../service-api.js';
import { chunkRange, openWidgetDb, type UploadRecord } from '../storage/widget-db.js';

export interface UploadProgressInfo {
  ref: string;
  sessionId: string;
  kind: FileKind;
  loaded: number;
  size: number;
}

export interface UploadOptions {
  /** The service's WebSocket endpoint (its HTTP base is derived from it). */
  signallingUrl(): string;
  /** The join token of the session (null: wait, nothing is sent). */
  token(): string | null;
  /** Whose uploads these are: jobs another role left in this browser are not resumed. */
  role(): Role;
  onProgress(progress: UploadProgressInfo): void;
  /** The service has the whole file (its local copy is gone). */
  onDone(file: FileInfo): void;
  /** The upload stopped: for good (a refusal: the local data stays), or until the next resume. */
  onError(ref: string, error: VideoSessionError): void;
}

export interface UploadFile {
  kind: FileKind;
  /** The widget's id for the file (the still's or recording's id), unique per session. */
  ref: string;
  name: string;
  type: string;
  meta?: FileMeta;
}

/** Tries in a row without progress before an upload waits for the next `resumeUploads`. */
const MAX_STALLS = 8;
/**
 * Codes after which trying again may work: the service is away, busy, lost track, or short of
 * room for now (its disk, or this side's other unfinished uploads).
 */
const TRANSIENT = new Set<ErrorCode>([
  'ERR_SIGNALLING_UNREACHABLE',
  'ERR_INTERNAL',
  'ERR_UPLOAD_OFFSET',
  'ERR_UPLOAD_BUSY',
  'ERR_TOO_MANY_REQUESTS',
  'ERR_TOO_MANY_UPLOADS',
  'ERR_STORAGE_FULL',
]);

export class UploadController implements ReactiveController {
  private readonly options: UploadOptions;
  private readonly running = new Map<string, Promise<FileInfo>>();
  private aborter = new AbortController();

  constructor(host: ReactiveControllerHost, options: UploadOptions) {
    this.options = options;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.abort();
  }

  /** Stops every upload under way; their jobs stay in IndexedDB for `resumeUploads`. */
  abort(): void {
    this.aborter.abort();
    this.aborter = new AbortController();
  }

  /**
   * Uploads `blob` as `file` for `sessionId`. The job is stored first; resolves with the service's
   * file once it has all of it, rejects with the code that stopped it (the job stays stored unless
   * the service refused the file).
   */
  async upload(sessionId: string, blob: Blob, file: UploadFile): Promise<FileInfo> {
    const existing = this.running.get(file.ref);
    if (existing) return existing;
    const db = await openWidgetDb();
    const job: UploadRecord = (await db.get('uploads', file.ref)) ?? {
      ref: file.ref,
      sessionId,
      kind: file.kind,
      name: file.name,
      type: file.type,
      size: blob.size,
      sha256: await sha256Hex(blob),
      meta: file.meta ?? {},
      blob,
      uploadId: null,
      offset: 0,
      createdAt: Date.now(),
      role: this.options.role(),
    };
    await db.put('uploads', job);
    return this.run(job);
  }

  /** Continues every upload of `sessionId` that an earlier page (or this one) left unfinished. */
  async resumeUploads(sessionId: string): Promise<void> {
    const jobs = await this.pending(sessionId);
    await Promise.allSettled(jobs.map((job) => this.run(job)));
  }

  /** This role's uploads of `sessionId` stored and not yet confirmed. */
  async pending(sessionId: string): Promise<UploadRecord[]> {
    const role = this.options.role();
    const jobs = await (await openWidgetDb()).getAllFromIndex('uploads', 'bySession', sessionId);
    return jobs.filter((job) => (job.role ?? role) === role);
  }

  private run(job: UploadRecord): Promise<FileInfo> {
    const existing = this.running.get(job.ref);
    if (existing) return existing;
    const signal = this.aborter.signal;
    const promise = this.send(job, signal)
      .catch((err: unknown) => {
        const error =
          err instanceof VideoSessionError
            ? err
            : new VideoSessionError('ERR_SIGNALLING_UNREACHABLE', undefined, { cause: err });
        if (!signal.aborted) this.options.onError(job.ref, error);
        throw error;
      })
      .finally(() => this.running.delete(job.ref));
    this.running.set(job.ref, promise);
    return promise;
  }

  private async send(job: UploadRecord, signal: AbortSignal): Promise<FileInfo> {
    const token = this.options.token();
    if (!token) throw new VideoSessionError('ERR_TOKEN_MISSING');
    const base = serviceBase(this.options.signallingUrl());
    const progress = (loaded: number) =>
      this.options.onProgress({
        ref: job.ref,
        sessionId: job.sessionId,
        kind: job.kind,
        loaded,
        size: job.size,
      });
    let stalls = 0;
    let corrupt = 0;
    for (;;) {
      try {
        const created = await createUpload(
          base,
          job.sessionId,
          token,
          {
            kind: job.kind,
            ref: job.ref,
            name: job.name,
            type: job.type,
            size: job.size,
            sha256: job.sha256,
            meta: job.meta,
          },
          signal,
        );
        let offset = created.offset;
        let file = created.file;
        if (job.uploadId !== created.uploadId) {
          job.uploadId = created.uploadId;
          await (await openWidgetDb()).put('uploads', { ...job, offset });
        }
        progress(offset);
        while (!file) {
          const end = Math.min(job.size, offset + created.chunkSize);
          const answer = await sendUploadChunk(
            base,
            job.sessionId,
            created.uploadId,
            token,
            offset,
            job.blob.slice(offset, end),
            signal,
          );
          offset = answer.offset;
          file = answer.file;
          stalls = 0;
          progress(offset);
        }
        await this.complete(job.ref);
        this.options.onDone(file);
        return file;
      } catch (err) {
        if (signal.aborted) throw err;
        if (!(err instanceof VideoSessionError)) throw err;
        // The service reset a corrupt upload to 0: the bytes were damaged on the way; once more.
        if (err.code === 'ERR_UPLOAD_CORRUPT' && corrupt++ === 0) continue;
        if (!TRANSIENT.has(err.code)) {
          await this.forget(job.ref);
          throw err;
        }
        if (++stalls > MAX_STALLS) throw err;
        // A wrong offset needs no pause: the next announcement says where the service is.
        if (err.code !== 'ERR_UPLOAD_OFFSET') {
          await sleep(backoffDelay(stalls - 1, { baseMs: 500, maxMs: 15_000, minMs: 250 }), signal);
        }
      }
    }
  }

  /** The service has the whole file: delete everything local about it at once. */
  private async complete(ref: string): Promise<void> {
    const db = await openWidgetDb();
    const tx = db.transaction(['uploads', 'stills', 'recordings', 'chunks'], 'readwrite');
    await Promise.all([
      tx.objectStore('uploads').delete(ref),
      tx.objectStore('stills').delete(ref),
      tx.objectStore('recordings').delete(ref),
      tx.objectStore('chunks').delete(chunkRange(ref)),
      tx.done,
    ]);
  }

  /** The service refused the file: drop the job (the still or recording itself stays). */
  private async forget(ref: string): Promise<void> {
    await (await openWidgetDb()).delete('uploads', ref);
  }
}

async function sha256Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
