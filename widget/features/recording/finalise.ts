/**
 * Turns a recording's stored chunks into the file that is uploaded (a lazily loaded chunk): the
 * chunks in order, and for WebM the duration written into its header (`MediaRecorder` leaves it
 * out, so players would show no length and could not seek). Works the same for a recording that
 * stopped normally and for one a closed or crashed tab left behind (it ends at its last chunk).
 */
import fixModule, { type FixWebmDurationFunction } from 'fix-webm-duration';
import type { RecordingRecord } from '../../core/storage/widget-db.js';

// A CommonJS module whose types declare an ES default export: bundlers hand over the function
// itself, TypeScript (NodeNext) expects it under `default`. Either way, this is the function.
const fixWebmDuration =
  (fixModule as unknown as { default?: FixWebmDurationFunction }).default ??
  (fixModule as unknown as FixWebmDurationFunction);

/** How long the stored media lasts, in ms: up to the stop, or (after a crash) the last chunk. */
export function recordingDuration(recording: RecordingRecord): number {
  return Math.max(0, (recording.stoppedAt ?? recording.lastChunkAt) - recording.startedAt);
}

/** The file name a recording gets (`recording-2026-11-22T08-15-00Z.webm`). */
export function recordingName(recording: RecordingRecord): string {
  const stamp = new Date(recording.startedAt).toISOString().replace(/\.\d+/, '').replace(/:/g, '-');
  return `recording-${stamp}.${recording.mime.startsWith('video/mp4') ? 'mp4' : 'webm'}`;
}

export async function finalise(recording: RecordingRecord, raw: Blob): Promise<Blob> {
  if (!recording.mime.startsWith('video/webm') || raw.size === 0) return raw;
  const fixed = await fixWebmDuration(raw, recordingDuration(recording), { logger: false });
  return new Blob([fixed], { type: recording.mime });
}
