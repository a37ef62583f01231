/**
 * Data-channel messages about the call itself: the mode (offer, answer, request, the decision) and
 * what each side is sending right now, with its camera and microphone status. Parsed and bounded on
 * receipt like every peer message (`peer-messages.ts` holds the union).
 */
import * as v from 'valibot';
import { CALL_MODES, MODE_ANSWERS } from './call-modes.js';
import { RoleSchema } from './protocol.js';

const Id = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 31));
const Mode = v.picklist(CALL_MODES);

/** The agent asks the customer (or the customer the agent) to send media they do not send now. */
export const ModeOfferSchema = v.object({ type: v.literal('mode-offer'), id: Id, mode: Mode });

/** The answer to `mode-offer` with the same id. */
export const ModeAnswerSchema = v.object({
  type: v.literal('mode-answer'),
  id: Id,
  answer: v.picklist(MODE_ANSWERS),
});

/** The customer asks the agent, who decides every mode, for a change. */
export const ModeRequestSchema = v.object({ type: v.literal('mode-request'), id: Id, mode: Mode });

/**
 * The agent's decision: both sides now send what `mode` says. `request` names the customer's
 * `mode-request` it settles, if any.
 */
export const ModeSchema = v.object({
  type: v.literal('mode'),
  mode: Mode,
  by: RoleSchema,
  request: v.optional(Id),
});

/** Camera or microphone status: the browser permission, or `none` when there is no such device. */
export const DEVICE_STATUSES = ['granted', 'prompt', 'denied', 'none', 'unknown'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

/**
 * What the sender sends right now (so the other side can say "muted" or "video paused" rather than
 * show a frozen picture), whether its video is a shared screen, and its device status (so the other
 * side can say "their camera is blocked").
 */
export const MediaStateSchema = v.object({
  type: v.literal('media-state'),
  audio: v.boolean(),
  video: v.boolean(),
  screen: v.boolean(),
  camera: v.picklist(DEVICE_STATUSES),
  microphone: v.picklist(DEVICE_STATUSES),
});
export type MediaState = Omit<v.InferOutput<typeof MediaStateSchema>, 'type'>;

export type ModeMessage =
  | v.InferOutput<typeof ModeOfferSchema>
  | v.InferOutput<typeof ModeAnswerSchema>
  | v.InferOutput<typeof ModeRequestSchema>
  | v.InferOutput<typeof ModeSchema>;
