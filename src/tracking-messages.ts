/**
 * Keeping anchored marks on the object: the customer's widget tracks its own camera frames and
 * tells the agent's where each anchored mark's keyframe is in every frame (`pose`, unreliable,
 * customer -> agent). Frames are named by their RTP timestamp, which the agent's browser reports
 * for every frame it displays, so the agent applies the pose of exactly the frame it shows.
 */
import * as v from 'valibot';
import type { AnnotateMessage, PointerMessage } from './annotation-ops.js';

const Entry = v.pipe(v.number(), v.finite(), v.minValue(-1e6), v.maxValue(1e6));

export const PoseSchema = v.object({
  type: v.literal('pose'),
  /** The anchored mark (an id of the agent's marks). */
  id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,32}$/)),
  /** The camera frame's RTP timestamp; null while the customer's widget cannot name it yet. */
  rtp: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 32 - 1))),
  /**
   * Keyframe -> this frame in normalised frame coordinates, 8 entries (`h[8] = 1`); null while the
   * object is lost.
   */
  h: v.nullable(v.pipe(v.array(Entry), v.length(8))),
});
export type PoseMessage = v.InferOutput<typeof PoseSchema>;

/** The data-channel messages of drawing and tracking (the overlay and tracker handle them). */
export type DrawingMessage = AnnotateMessage | PointerMessage | PoseMessage;
