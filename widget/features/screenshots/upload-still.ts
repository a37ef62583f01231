/**
 * Screenshots on this device (part of the screenshots chunk): a saved still is stored in IndexedDB
 * first, then uploaded; on joining a session, stills an earlier page stored but did not get to the
 * service are uploaded the same way. The local copy goes only once the service has confirmed the
 * whole file (the uploader sees to that). A still its taker has not decided on yet is kept too
 * (`decided: false`), never uploaded, and offered again on the next join.
 */
import type { Role } from '../../../src/protocol.js';
import type { StorageController } from '../../core/storage/storage-controller.js';
import type { UploadController } from '../../core/upload/upload-controller.js';
import type { StillRecord } from '../../core/storage/widget-db.js';
import { screenshot, type Screenshot } from './screenshot.js';

/** What a saved still of session `sessionId` is kept as on this device until the service has it. */
export function stillRecord(
  still: Screenshot & { blob: Blob },
  sessionId: string,
  decided = true,
): StillRecord {
  return {
    id: still.id,
    sessionId,
    blob: still.blob,
    name: still.name,
    type: 'image/png',
    width: still.width,
    height: still.height,
    takenBy: still.takenBy,
    createdAt: still.at,
    decided,
  };
}

/** Keeps an undecided still of `sessionId` on this device (not uploaded). */
export function keepStill(
  storage: StorageController,
  still: Screenshot & { blob: Blob },
  sessionId: string,
): Promise<void> {
  return storage.putStill(stillRecord(still, sessionId, false));
}

/** The stills `role` took of `sessionId` and kept undecided on this device, as the gallery holds them. */
export async function keptStills(
  storage: StorageController,
  sessionId: string,
  role: Role,
): Promise<(Screenshot & { blob: Blob })[]> {
  const records = (await storage.stills(sessionId)).filter(
    (r) => r.decided === false && r.takenBy === role,
  );
  return records.map(
    (r) =>
      screenshot({
        id: r.id,
        name: r.name,
        takenBy: r.takenBy,
        at: r.createdAt,
        width: r.width,
        height: r.height,
        blob: r.blob,
        loaded: r.blob.size,
        size: r.blob.size,
        state: 'done',
      }) as Screenshot & { blob: Blob },
  );
}

/** Stores `still` on this device; resolves once stored, while its upload goes on. */
export async function saveStill(
  storage: StorageController,
  uploads: UploadController,
  still: Screenshot & { blob: Blob },
  sessionId: string,
): Promise<void> {
  const record = stillRecord(still, sessionId);
  await storage.putStill(record);
  void uploadStill(uploads, record);
}

/**
 * Uploads the stills `role` saved of `sessionId` that have no upload under way (an earlier page's;
 * a browser can hold two people's widgets of one session, and each uploads only its own).
 */
export async function resumeStills(
  storage: StorageController,
  uploads: UploadController,
  sessionId: string,
  role: Role,
): Promise<void> {
  const started = new Set((await uploads.pending(sessionId)).map((job) => job.ref));
  const left = (await storage.stills(sessionId)).filter(
    (still) => still.decided !== false && still.takenBy === role && !started.has(still.id),
  );
  await Promise.all(left.map((still) => uploadStill(uploads, still)));
}

function uploadStill(uploads: UploadController, still: StillRecord): Promise<unknown> {
  return uploads
    .upload(still.sessionId, still.blob, {
      kind: 'screenshot',
      ref: still.id,
      name: still.name,
      type: still.type,
      meta: { width: still.width, height: still.height, takenBy: still.takenBy },
    })
    .catch(() => undefined); // the uploader reported why; the still stays stored for the next load
}
