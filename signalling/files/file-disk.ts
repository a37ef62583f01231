/**
 * Where files live on disk: uploads in progress under `VS_DATA_DIR/uploads/<uploadId>`, stored
 * files under `VS_DATA_DIR/files/<sessionId>/<fileId>`. Bytes are streamed to and from disk, never
 * held whole in memory, and made durable (fdatasync) before their progress is acknowledged.
 *
 * A small reserve (`VS_DATA_DIR/space-reserve`) holds some space back: released when the disk is
 * full, it lets the service write the rows that free space (erasure, retention).
 */
import { createHash } from 'node:crypto';
import { chmodSync, createReadStream, mkdirSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, statfs, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { MAGIC_BYTES, hasMagic } from './file-types.js';

/** Ids become path parts: only ours (`ses_`, `upl_`, `fil_` + base64url) ever get here. */
const SAFE = /^[A-Za-z0-9_-]{1,128}$/;
const part = (id: string) => {
  if (!SAFE.test(id)) throw new Error(`unsafe id for a path: ${JSON.stringify(id)}`);
  return id;
};

export type WriteResult =
  { ok: true; written: number } | { ok: false; reason: 'too-large' | 'aborted' | 'gone' | 'full' };

/** The space held back for the writes that free space on a full disk. */
export const RESERVE_BYTES = 256 * 1024;

/** Makes a folder's entries (a file created, renamed in or out) durable. */
async function syncDir(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Whether `err` says the disk (or the store on it) is full. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL';
}

export class FileDisk {
  readonly dataDir: string;
  readonly uploadsDir: string;
  readonly filesDir: string;
  private readonly reservePath: string;

  constructor(dataDir: string) {
    this.dataDir = dataDir;
    this.uploadsDir = join(dataDir, 'uploads');
    this.filesDir = join(dataDir, 'files');
    this.reservePath = join(dataDir, 'space-reserve');
    // Only the service's user reads them (a folder an older version made is tightened).
    for (const dir of [this.uploadsDir, this.filesDir]) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      chmodSync(dir, 0o700);
    }
  }

  uploadPath(uploadId: string): string {
    return join(this.uploadsDir, part(uploadId));
  }

  filePath(sessionId: string, fileId: string): string {
    return join(this.filesDir, part(sessionId), part(fileId));
  }

  /** Creates (or empties) the file an upload writes into, its name durable in `uploads/`. */
  async createUpload(uploadId: string): Promise<void> {
    const fh = await open(this.uploadPath(uploadId), 'w', 0o600);
    await fh.close();
    await syncDir(this.uploadsDir);
  }

  /**
   * Writes `body` into the upload at `position`, refusing (and stopping to read) past `max`
   * bytes. Durable when it resolves ok. Bytes written before a refusal or an abort lie past the
   * acknowledged offset and are overwritten by the next write.
   */
  async writeAt(
    uploadId: string,
    position: number,
    body: ReadableStream<Uint8Array> | null,
    max: number,
  ): Promise<WriteResult> {
    let fh;
    try {
      fh = await open(this.uploadPath(uploadId), 'r+');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, reason: 'gone' };
      throw err;
    }
    const reader = body?.getReader();
    try {
      let written = 0;
      if (reader) {
        for (;;) {
          let chunk: ReadableStreamReadResult<Uint8Array>;
          try {
            chunk = await reader.read();
          } catch {
            return { ok: false, reason: 'aborted' };
          }
          if (chunk.done) break;
          if (written + chunk.value.byteLength > max) {
            await reader.cancel().catch(() => undefined);
            return { ok: false, reason: 'too-large' };
          }
          await fh.write(chunk.value, 0, chunk.value.byteLength, position + written);
          written += chunk.value.byteLength;
        }
      }
      await fh.datasync();
      return { ok: true, written };
    } catch (err) {
      if (!isDiskFull(err)) throw err;
      // What was written lies past the acknowledged offset: the next write overwrites it.
      await reader?.cancel().catch(() => undefined);
      return { ok: false, reason: 'full' };
    } finally {
      await fh.close();
    }
  }

  /** Cuts an upload's file to `length` bytes. */
  async truncateUpload(uploadId: string, length: number): Promise<void> {
    const fh = await open(this.uploadPath(uploadId), 'r+');
    try {
      await fh.truncate(length);
      await fh.datasync();
    } finally {
      await fh.close();
    }
  }

  /** Whether the file at `path` starts like a `base` file and hashes to `sha256`. */
  async check(path: string, base: string, sha256: string): Promise<boolean> {
    const fh = await open(path, 'r');
    try {
      const head = new Uint8Array(MAGIC_BYTES);
      await fh.read(head, 0, MAGIC_BYTES, 0);
      if (!hasMagic(base, head)) return false;
    } finally {
      await fh.close();
    }
    const hash = createHash('sha256');
    await pipeline(createReadStream(path), hash);
    return hash.digest('hex') === sha256;
  }

  async exists(path: string): Promise<boolean> {
    return stat(path).then(
      () => true,
      () => false,
    );
  }

  /**
   * Moves a complete upload to its place among the session's files, durably: the folders it
   * left and entered are synced, so the store's commit that follows (the file row in, the upload
   * row out) never reaches the disk before the move does.
   */
  async place(uploadId: string, sessionId: string, fileId: string): Promise<void> {
    const folder = join(this.filesDir, part(sessionId));
    if (await mkdir(folder, { recursive: true, mode: 0o700 })) await syncDir(this.filesDir);
    await rename(this.uploadPath(uploadId), this.filePath(sessionId, fileId));
    await syncDir(folder);
    await syncDir(this.uploadsDir);
  }

  async removeUpload(uploadId: string): Promise<void> {
    await rm(this.uploadPath(uploadId), { force: true });
  }

  async removeFile(sessionId: string, fileId: string): Promise<void> {
    await rm(this.filePath(sessionId, fileId), { force: true });
  }

  /** Removes a session's folder of files, whatever is in it. */
  async removeSession(sessionId: string): Promise<void> {
    await rm(join(this.filesDir, part(sessionId)), { recursive: true, force: true });
  }

  /** Bytes free for the service on the data dir's disk (the reserve not counted). */
  async freeBytes(): Promise<number> {
    const s = await statfs(this.dataDir);
    return s.bavail * s.bsize;
  }

  /**
   * Whether a new block can be written (and made durable) on the data dir's disk right now: a
   * small file written, synced and removed.
   */
  async canWrite(): Promise<boolean> {
    const probe = join(this.dataDir, '.write-probe');
    try {
      const fh = await open(probe, 'w', 0o600);
      try {
        await fh.write(Buffer.alloc(4096));
        await fh.datasync();
      } finally {
        await fh.close();
      }
      return true;
    } catch {
      return false;
    } finally {
      await rm(probe, { force: true }).catch(() => undefined);
    }
  }

  /** Holds `RESERVE_BYTES` back (written, not sparse) unless held already or there is no room. */
  async keepReserve(): Promise<boolean> {
    if ((await stat(this.reservePath).catch(() => null))?.size === RESERVE_BYTES) return true;
    try {
      const fh = await open(this.reservePath, 'w', 0o600);
      try {
        await fh.write(Buffer.alloc(RESERVE_BYTES));
        await fh.datasync();
      } finally {
        await fh.close();
      }
      return true;
    } catch (err) {
      await rm(this.reservePath, { force: true }).catch(() => undefined);
      if (isDiskFull(err)) return false;
      throw err;
    }
  }

  /** Gives the reserve back to the disk; false when there was none to give. */
  async releaseReserve(): Promise<boolean> {
    return unlink(this.reservePath).then(
      () => true,
      () => false,
    );
  }

  /** The upload ids on disk. */
  async uploadIds(): Promise<string[]> {
    return (await readdir(this.uploadsDir)).filter((n) => SAFE.test(n));
  }

  /** `[sessionId, fileId]` of every stored file on disk. */
  async fileIds(): Promise<Array<[string, string]>> {
    const found: Array<[string, string]> = [];
    for (const sessionId of (await readdir(this.filesDir)).filter((n) => SAFE.test(n))) {
      const names = await readdir(join(this.filesDir, sessionId)).catch(() => []);
      for (const fileId of names) found.push([sessionId, fileId]);
    }
    return found;
  }
}
