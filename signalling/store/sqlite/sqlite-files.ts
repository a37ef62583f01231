/**
 * The file and upload tables of the SQLite store. Upload progress is written here on its own; file
 * rows are added and removed by `sqlite-store.ts` inside a session change (`writeFiles`), in the
 * same transaction as the webhook events about them.
 */
import type { Database } from 'better-sqlite3';
import type {
  FileRecord,
  FileStore,
  FileUsage,
  FileWrites,
  UploadLimits,
  UploadRecord,
} from '../store.js';
import type { Commit, Writer } from './sqlite-commit.js';

interface DocRow {
  doc: string;
}

/** What a session's files and unfinished uploads take (`@sessionId`). */
const SESSION_BYTES = `(SELECT COALESCE(SUM(size), 0) FROM uploads WHERE session_id = @sessionId)
  + (SELECT COALESCE(SUM(size), 0) FROM files WHERE session_id = @sessionId)`;

/**
 * The statements that write uploads and files. An upload's row is written only within its caps,
 * checked in the same statement (so in the same transaction): parallel announcements cannot all
 * pass a check made before any of them was written.
 */
export const FILE_WRITES = {
  insertUpload: {
    sql: `INSERT INTO uploads (id, session_id, uploader, ref, size, received, updated_at, doc)
      SELECT @id, @sessionId, @by, @ref, @size, 0, @updatedAt, @doc
      WHERE (SELECT COUNT(*) FROM uploads WHERE session_id = @sessionId AND uploader = @by)
          < @maxUploads
        AND ${SESSION_BYTES} + @size <= @maxSessionBytes
        AND (SELECT COALESCE(SUM(size - received), 0) FROM uploads) + @size <= @room
      ON CONFLICT (session_id, uploader, ref) DO NOTHING`,
    returning: false,
  },
  replaceUpload: {
    sql: `UPDATE uploads SET size = @size, received = 0, updated_at = @updatedAt, doc = @doc
      WHERE id = @id
        AND ${SESSION_BYTES} - size + @size <= @maxSessionBytes
        AND (SELECT COALESCE(SUM(size - received), 0) FROM uploads) - (size - received) + @size
          <= @room`,
    returning: false,
  },
  setOffset: {
    sql: `UPDATE uploads SET received = @offset, updated_at = @at,
      doc = json_set(doc, '$.offset', @offset, '$.updatedAt', @at) WHERE id = @id`,
    returning: false,
  },
  deleteUpload: { sql: 'DELETE FROM uploads WHERE id = ?', returning: false },
  insertFile: {
    sql: `INSERT INTO files (id, session_id, uploader, ref, size, created_at, doc)
      VALUES (@id, @sessionId, @by, @ref, @size, @createdAt, @doc)`,
    returning: false,
  },
  deleteFile: { sql: 'DELETE FROM files WHERE id = ?', returning: false },
} as const;

type FileWriteName = keyof typeof FILE_WRITES;

export function openSqliteFiles(
  db: Database,
  commit: Commit<FileWriteName>,
): { files: FileStore; writeFiles(w: Writer<FileWriteName>, writes: FileWrites): void } {
  const upload = db.prepare<[string], DocRow>('SELECT doc FROM uploads WHERE id = ?');
  const uploadByRef = db.prepare<[string, string, string], DocRow>(
    'SELECT doc FROM uploads WHERE session_id = ? AND uploader = ? AND ref = ?',
  );
  const usage = db.prepare<{ sessionId: string; by: string }, FileUsage>(
    `SELECT ${SESSION_BYTES} AS sessionBytes,
      (SELECT COUNT(*) FROM uploads WHERE session_id = @sessionId AND uploader = @by) AS uploads,
      (SELECT COALESCE(SUM(size - received), 0) FROM uploads) AS pendingBytes`,
  );
  const uploadsOfSession = db.prepare<[string], DocRow>(
    'SELECT doc FROM uploads WHERE session_id = ? ORDER BY updated_at',
  );
  const staleUploads = db.prepare<[number, number], DocRow>(
    'SELECT doc FROM uploads WHERE updated_at < ? ORDER BY updated_at LIMIT ?',
  );
  const file = db.prepare<[string], DocRow>('SELECT doc FROM files WHERE id = ?');
  const fileByRef = db.prepare<[string, string, string], DocRow>(
    'SELECT doc FROM files WHERE session_id = ? AND uploader = ? AND ref = ?',
  );
  const filesOfSession = db.prepare<[string], DocRow>(
    'SELECT doc FROM files WHERE session_id = ? ORDER BY created_at, id',
  );
  const filesBefore = db.prepare<[number, number], DocRow>(
    'SELECT doc FROM files WHERE created_at < ? ORDER BY created_at LIMIT ?',
  );

  const parse = <T>(r: DocRow | undefined): T | null => (r ? (JSON.parse(r.doc) as T) : null);
  const all = <T>(rows: DocRow[]): T[] => rows.map((r) => JSON.parse(r.doc) as T);
  const uploadRow = (u: UploadRecord, limits: UploadLimits) => ({
    id: u.id,
    sessionId: u.sessionId,
    by: u.by,
    ref: u.ref,
    size: u.size,
    updatedAt: u.updatedAt,
    doc: JSON.stringify(u),
    ...limits,
  });

  const files: FileStore = {
    async getUpload(id) {
      return parse<UploadRecord>(upload.get(id));
    },
    async uploadByRef(sessionId, by, ref) {
      return parse<UploadRecord>(uploadByRef.get(sessionId, by, ref));
    },
    async insertUpload(u, limits) {
      return (await commit.run('insertUpload', uploadRow(u, limits))).changes === 1;
    },
    async replaceUpload(u, limits) {
      return (await commit.run('replaceUpload', uploadRow(u, limits))).changes === 1;
    },
    async usage(sessionId, by) {
      return usage.get({ sessionId, by })!;
    },
    async setOffset(id, offset, at) {
      await commit.run('setOffset', { id, offset, at });
    },
    async deleteUpload(id) {
      await commit.run('deleteUpload', id);
    },
    async uploadsOfSession(sessionId) {
      return all<UploadRecord>(uploadsOfSession.all(sessionId));
    },
    async staleUploads(before, limit) {
      return all<UploadRecord>(staleUploads.all(before, limit));
    },
    async getFile(id) {
      return parse<FileRecord>(file.get(id));
    },
    async fileByRef(sessionId, by, ref) {
      return parse<FileRecord>(fileByRef.get(sessionId, by, ref));
    },
    async filesOfSession(sessionId) {
      return all<FileRecord>(filesOfSession.all(sessionId));
    },
    async filesCreatedBefore(before, limit) {
      return all<FileRecord>(filesBefore.all(before, limit));
    },
  };

  function writeFiles(w: Writer<FileWriteName>, writes: FileWrites): void {
    for (const f of writes.add) {
      w.run('insertFile', {
        id: f.id,
        sessionId: f.sessionId,
        by: f.by,
        ref: f.ref,
        size: f.size,
        createdAt: f.createdAt,
        doc: JSON.stringify(f),
      });
    }
    for (const id of writes.remove) w.run('deleteFile', id);
    for (const id of writes.removeUploads) w.run('deleteUpload', id);
  }

  return { files, writeFiles };
}
