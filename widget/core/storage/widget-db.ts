/**
 * The widget's one IndexedDB database and its typed schema: stills (screenshots) waiting for the
 * service, recordings and their chunks as they arrive, and the uploads under way. Everything a
 * person made stays here until the service has confirmed the whole file.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { VideoSessionError } from '../../../src/errors.js';
import type { Role } from '../../../src/protocol.js';
import type { FileKind, FileMeta } from '../../../src/events.js';

export const DB_NAME = 'video-session';
const DB_VERSION = 1;

/** A screenshot saved on this device. Its `id` is also its upload `ref`. */
export interface StillRecord {
  id: string;
  sessionId: string;
  blob: Blob;
  name: string;
  type: string;
  width: number;
  height: number;
  takenBy: Role;
  /** Unix ms. */
  createdAt: number;
  /**
   * False while its taker has not decided on it (kept so a closed page offers it again); saved
   * stills (true, or absent in records of earlier versions) are uploaded.
   */
  decided?: boolean;
}

export type RecordingState = 'recording' | 'finalising' | 'uploading' | 'done';

/** A recording on this device. Its `id` is also its upload `ref`; its media is in `chunks`. */
export interface RecordingRecord {
  id: string;
  sessionId: string;
  mime: string;
  /** Unix ms when the recorder started. */
  startedAt: number;
  /** Unix ms when it stopped; null while it runs (or when the page died while it ran). */
  stoppedAt: number | null;
  state: RecordingState;
  /** Chunks stored so far, and their bytes. */
  chunks: number;
  bytes: number;
  /** Unix ms of the newest chunk (the end of what a crash left). */
  lastChunkAt: number;
}

export interface ChunkRecord {
  recordingId: string;
  seq: number;
  blob: Blob;
}

/** A file on its way to the service (the bytes exactly as announced, with their hash). */
export interface UploadRecord {
  ref: string;
  sessionId: string;
  kind: FileKind;
  name: string;
  type: string;
  size: number;
  sha256: string;
  meta: FileMeta;
  blob: Blob;
  /** The service's id once it has announced the upload. */
  uploadId: string | null;
  /** Bytes the service has confirmed. */
  offset: number;
  createdAt: number;
  /**
   * Who announced it: only a widget of that role resumes it (a browser can hold two people's
   * widgets of one session, in two tabs). Absent in jobs of earlier versions: anyone's.
   */
  role?: Role;
}

export interface WidgetSchema extends DBSchema {
  stills: { key: string; value: StillRecord; indexes: { bySession: string } };
  recordings: { key: string; value: RecordingRecord; indexes: { bySession: string } };
  chunks: { key: [string, number]; value: ChunkRecord };
  uploads: { key: string; value: UploadRecord; indexes: { bySession: string } };
}

export type WidgetDb = IDBPDatabase<WidgetSchema>;

let opening: Promise<WidgetDb> | null = null;

/** Opens the database once per page (later calls share the connection). */
export function openWidgetDb(): Promise<WidgetDb> {
  opening ??= openDB<WidgetSchema>(DB_NAME, DB_VERSION, {
    upgrade(db) {
      db.createObjectStore('stills', { keyPath: 'id' }).createIndex('bySession', 'sessionId');
      db.createObjectStore('recordings', { keyPath: 'id' }).createIndex('bySession', 'sessionId');
      db.createObjectStore('chunks', { keyPath: ['recordingId', 'seq'] });
      db.createObjectStore('uploads', { keyPath: 'ref' }).createIndex('bySession', 'sessionId');
    },
    blocking() {
      // A newer version of the widget wants to upgrade: let it.
      void opening?.then((db) => db.close());
      opening = null;
    },
  }).catch((err: unknown) => {
    opening = null;
    throw new VideoSessionError('ERR_STORAGE_UNAVAILABLE', undefined, { cause: err });
  });
  return opening;
}

/** The key range of one recording's chunks. */
export function chunkRange(recordingId: string): IDBKeyRange {
  return IDBKeyRange.bound([recordingId, 0], [recordingId, Number.MAX_SAFE_INTEGER]);
}
