/**
 * The widget's local storage (IndexedDB, `core/storage/widget-db.ts`): screenshots and recording
 * chunks live here from the moment they exist until the service confirms them, so a closed tab or
 * a crash loses at most what had not arrived yet. Opens the database on first use; never touches
 * the network. Space is checked with `navigator.storage.estimate()` before and while recording.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { VideoSessionError } from '../../../src/errors.js';
import {
  chunkRange,
  openWidgetDb,
  type RecordingRecord,
  type StillRecord,
  type WidgetDb,
} from '../storage/widget-db.js';

/** Space kept free beyond what is asked for (the browser needs room too). */
export const QUOTA_MARGIN_BYTES = 32 * 1024 * 1024;

export class StorageController implements ReactiveController {
  constructor(host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostDisconnected(): void {
    // The database connection is shared by the page and stays open; nothing else is held.
  }

  db(): Promise<WidgetDb> {
    return openWidgetDb();
  }

  async putStill(still: StillRecord): Promise<void> {
    await this.checkQuota(still.blob.size);
    await (await this.db()).put('stills', still);
  }

  async stills(sessionId: string): Promise<StillRecord[]> {
    return (await this.db()).getAllFromIndex('stills', 'bySession', sessionId);
  }

  async deleteStill(id: string): Promise<void> {
    await (await this.db()).delete('stills', id);
  }

  /**
   * Rejects with `ERR_STORAGE_QUOTA` when this origin cannot store `bytes` more (plus a margin).
   * Browsers without `navigator.storage.estimate` are given the benefit of the doubt; a write that
   * then fails with a quota error is reported the same way.
   */
  async checkQuota(bytes: number): Promise<void> {
    const estimate = await navigator.storage?.estimate?.();
    if (!estimate || estimate.quota === undefined || estimate.usage === undefined) return;
    if (estimate.quota - estimate.usage < bytes + QUOTA_MARGIN_BYTES) {
      throw new VideoSessionError('ERR_STORAGE_QUOTA');
    }
  }

  async createRecording(recording: RecordingRecord): Promise<void> {
    await (await this.db()).put('recordings', recording);
  }

  /** Stores one chunk of a running recording and counts it, in one transaction. */
  async appendChunk(recordingId: string, seq: number, blob: Blob, at: number): Promise<void> {
    const db = await this.db();
    const tx = db.transaction(['recordings', 'chunks'], 'readwrite');
    try {
      const recording = await tx.objectStore('recordings').get(recordingId);
      if (!recording) throw new VideoSessionError('ERR_STORAGE_UNAVAILABLE');
      await tx.objectStore('chunks').put({ recordingId, seq, blob });
      await tx.objectStore('recordings').put({
        ...recording,
        chunks: recording.chunks + 1,
        bytes: recording.bytes + blob.size,
        lastChunkAt: at,
      });
      await tx.done;
    } catch (err) {
      tx.done.catch(() => undefined);
      try {
        tx.abort();
      } catch {
        // already aborted by the failed request
      }
      throw quotaOrUnavailable(err);
    }
  }

  async recording(id: string): Promise<RecordingRecord | undefined> {
    return (await this.db()).get('recordings', id);
  }

  async recordings(sessionId: string): Promise<RecordingRecord[]> {
    return (await this.db()).getAllFromIndex('recordings', 'bySession', sessionId);
  }

  async updateRecording(id: string, patch: Partial<RecordingRecord>): Promise<void> {
    const db = await this.db();
    const tx = db.transaction('recordings', 'readwrite');
    const recording = await tx.store.get(id);
    if (recording) await tx.store.put({ ...recording, ...patch, id });
    await tx.done;
  }

  /** Deletes a recording and its chunks (one that stored nothing). */
  async deleteRecording(id: string): Promise<void> {
    const db = await this.db();
    const tx = db.transaction(['recordings', 'chunks'], 'readwrite');
    await Promise.all([
      tx.objectStore('recordings').delete(id),
      tx.objectStore('chunks').delete(chunkRange(id)),
      tx.done,
    ]);
  }

  /** A recording's chunks in order, as one blob of its type. */
  async recordingBlob(id: string): Promise<Blob> {
    const db = await this.db();
    const recording = await db.get('recordings', id);
    const chunks = await db.getAll('chunks', chunkRange(id));
    return new Blob(
      chunks.map((c) => c.blob),
      { type: recording?.mime ?? '' },
    );
  }

  /** How many chunks are stored, for one recording or all of them. */
  async chunkCount(recordingId?: string): Promise<number> {
    return (await this.db()).count('chunks', recordingId ? chunkRange(recordingId) : undefined);
  }
}

function quotaOrUnavailable(err: unknown): unknown {
  if (err instanceof VideoSessionError) return err;
  const name = (err as { name?: unknown } | null)?.name;
  return new VideoSessionError(
    name === 'QuotaExceededError' ? 'ERR_STORAGE_QUOTA' : 'ERR_STORAGE_UNAVAILABLE',
    undefined,
    { cause: err },
  );
}
