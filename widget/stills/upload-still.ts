/**
 * Saved screenshots on their way from this device to the service (part of the lazily loaded files
 * chunk): a saved still is stored in IndexedDB first, then uploaded; on joining a session, stills
 * an earlier page stored but did not get to the service are uploaded the same way. The local copy
 * goes only once the service has confirmed the whole file (the uploader sees to that).
 */
import type { StorageController } from '../controllers/storage-controller.js';
import type { UploadController } from '../controllers/upload-controller.js';
import type { StillRecord } from '../storage/widget-db.js';
import type { Still } from './still.js';

/** What a saved still of session `sessionId` is kept as on this device until the service has it. */
export function stillRecord(still: Still & { blob: Blob }, sessionId: string): StillRecord {
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
  };
}

/** Stores `still` on this device; resolves once stored, while its upload goes on. */
export async function saveStill(
  storage: StorageController,
  uploads: UploadController,
  still: Still & { blob: Blob },
  sessionId: string,
): Promise<void> {
  const record = stillRecord(still, sessionId);
  await storage.putStill(record);
  void uploadStill(uploads, record);
}

/** Uploads the stored stills of `sessionId` that have no upload under way (an earlier page's). */
export async function resumeStills(
  storage: StorageController,
  uploads: UploadController,
  sessionId: string,
): Promise<void> {
  const started = new Set((await uploads.pending(sessionId)).map((job) => job.ref));
  const left = (await storage.stills(sessionId)).filter((still) => !started.has(still.id));
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
