/**
 * Recordings on their way from this device to the service (part of the recording chunk): a stopped recording is finalised and uploaded; on joining a session, what an earlier page
 * left (a recording the tab died in, an upload cut short) is finished the same way. The local
 * chunks go only once the service has confirmed the whole file (the uploader sees to that).
 */
import { VideoSessionError } from '../../../src/errors.js';
import type { StorageController } from '../../core/storage/storage-controller.js';
import type { UploadController } from '../../core/upload/upload-controller.js';

/** Recordings being finalised and uploaded by this page. */
const finishing = new Set<string>();

/** Finalises recording `id` from its stored chunks and uploads it. */
export async function uploadRecording(
  storage: StorageController,
  uploads: UploadController,
  id: string,
): Promise<void> {
  if (finishing.has(id)) return;
  finishing.add(id);
  try {
    const recording = await storage.recording(id);
    if (!recording) return;
    const raw = await storage.recordingBlob(id);
    if (raw.size === 0) return await storage.deleteRecording(id);
    const { finalise, recordingDuration, recordingName } = await import('./finalise.js');
    const blob = await finalise(recording, raw);
    await storage.updateRecording(id, { state: 'uploading' });
    await uploads.upload(recording.sessionId, blob, {
      kind: 'recording',
      ref: id,
      name: recordingName(recording),
      type: recording.mime,
      meta: {
        durationMs: Math.round(recordingDuration(recording)),
        takenBy: 'agent',
        startedAt: new Date(recording.startedAt).toISOString(),
      },
    });
  } catch (err) {
    // The uploader reported its own failures; the recording stays stored for the next load.
    if (!(err instanceof VideoSessionError)) {
      console.warn(`[video-session] recording ${id} not uploaded yet: ${String(err)}`);
    }
  } finally {
    finishing.delete(id);
  }
}

/**
 * Finishes the recordings an earlier page left for `sessionId` (one the tab died in, or one whose
 * upload it did not start): finalises and uploads each, except `runningId`, the one this page is
 * making. Uploads already under way are the uploader's to resume.
 */
export async function recoverRecordings(
  storage: StorageController,
  uploads: UploadController,
  sessionId: string,
  runningId: string | null,
): Promise<void> {
  const left = (await storage.recordings(sessionId)).filter(
    (r) => r.state !== 'uploading' && r.id !== runningId,
  );
  await Promise.all(left.map((r) => uploadRecording(storage, uploads, r.id)));
}
