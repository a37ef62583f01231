/**
 * Recording consent between the two widgets, over the data channel. The agent asks (`request`,
 * which is the agent's consent); the customer answers (`consent` or `decline`); the agent's widget
 * records only while both consents exist and says so (`started`, `stopped`); either side ends it
 * (`withdraw`: the customer takes back consent, or the agent stops or cancels). `id` is the
 * recording's ref (the upload ref its file will have).
 */
import * as v from 'valibot';

const Ref = v.pipe(v.string(), v.regex(/^[\w-]{1,64}$/));

/** Why a recording stopped (also the `reason` of the webhook events). */
export const RECORDING_STOP_REASONS = [
  'stopped',
  'withdrawn',
  'quota',
  'error',
  'call-ended',
  'disconnected',
] as const;
export type RecordingStopReason = (typeof RECORDING_STOP_REASONS)[number];

export const RecordingRequestSchema = v.object({ type: v.literal('recording-request'), id: Ref });
export const RecordingConsentSchema = v.object({ type: v.literal('recording-consent'), id: Ref });
export const RecordingDeclineSchema = v.object({ type: v.literal('recording-decline'), id: Ref });
export const RecordingWithdrawSchema = v.object({
  type: v.literal('recording-withdraw'),
  id: Ref,
});
export const RecordingStartedSchema = v.object({ type: v.literal('recording-started'), id: Ref });
export const RecordingStoppedSchema = v.object({
  type: v.literal('recording-stopped'),
  id: Ref,
  reason: v.picklist(RECORDING_STOP_REASONS),
});

export type RecordingMessage =
  | v.InferOutput<typeof RecordingRequestSchema>
  | v.InferOutput<typeof RecordingConsentSchema>
  | v.InferOutput<typeof RecordingDeclineSchema>
  | v.InferOutput<typeof RecordingWithdrawSchema>
  | v.InferOutput<typeof RecordingStartedSchema>
  | v.InferOutput<typeof RecordingStoppedSchema>;
