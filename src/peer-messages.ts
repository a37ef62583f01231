/**
 * Messages between the two widgets over the WebRTC data channel: everything that is between the two
 * people and never passes through the service. Features add their own schemas (annotation ops,
 * chat, consent...) to `PeerMessageSchema`; every message is parsed and bounded on receipt.
 */
import * as v from 'valibot';
import { AnnotateSchema, PointerSchema } from './annotation-ops.js';
import {
  MediaStateSchema,
  ModeAnswerSchema,
  ModeOfferSchema,
  ModeRequestSchema,
  ModeSchema,
} from './call-messages.js';
import { ChatSchema } from './chat-messages.js';
import {
  FILE_CHUNK_TAG,
  FileCancelSchema,
  FileDoneSchema,
  FileEndSchema,
  FileStartSchema,
} from './file-transfer.js';
import { parseJsonFrame, type Result } from './parse.js';
import { PoseSchema } from './tracking-messages.js';
import {
  RecordingConsentSchema,
  RecordingDeclineSchema,
  RecordingRequestSchema,
  RecordingStartedSchema,
  RecordingStoppedSchema,
  RecordingWithdrawSchema,
} from './recording-messages.js';
import {
  StillDiscardedSchema,
  StillFailedSchema,
  StillRequestSchema,
  StillSavedSchema,
  StillUploadSchema,
} from './still-messages.js';

/** The largest data-channel text message either side accepts, in bytes. */
export const MAX_PEER_MESSAGE_BYTES = 64 * 1024;

/**
 * The largest binary data-channel frame either side accepts, in bytes. A binary frame's first byte
 * says what it is (`BINARY_TAGS`); the rest is that feature's.
 */
export const MAX_BINARY_FRAME_BYTES = 64 * 1024;

/** First bytes of binary frames, one per feature. */
export const BINARY_TAGS = {
  /** A chunk of a file transfer (`src/file-transfer.ts`). */
  fileChunk: FILE_CHUNK_TAG,
} as const;

/** Round-trip probe: the other side answers `ping` with `pong` carrying the same id and time. */
export const PingSchema = v.object({
  type: v.literal('ping'),
  id: v.pipe(v.number(), v.integer(), v.minValue(0)),
  t: v.number(),
});
export const PongSchema = v.object({
  type: v.literal('pong'),
  id: v.pipe(v.number(), v.integer(), v.minValue(0)),
  t: v.number(),
});

/**
 * The sender left: the agent ended the session, or the customer left it. Sent besides the service's
 * notice so the other side reacts at once.
 */
export const ByeSchema = v.object({ type: v.literal('bye') });

/** Every data-channel message. */
export const PeerMessageSchema = v.variant('type', [
  PingSchema,
  PongSchema,
  MediaStateSchema,
  ModeOfferSchema,
  ModeAnswerSchema,
  ModeRequestSchema,
  ModeSchema,
  ByeSchema,
  AnnotateSchema,
  PointerSchema,
  PoseSchema,
  ChatSchema,
  FileStartSchema,
  FileEndSchema,
  FileDoneSchema,
  FileCancelSchema,
  RecordingRequestSchema,
  RecordingConsentSchema,
  RecordingDeclineSchema,
  RecordingWithdrawSchema,
  RecordingStartedSchema,
  RecordingStoppedSchema,
  StillRequestSchema,
  StillFailedSchema,
  StillSavedSchema,
  StillDiscardedSchema,
  StillUploadSchema,
]);
export type PeerMessage = v.InferOutput<typeof PeerMessageSchema>;

/** A data-channel message from the other widget. */
export function parsePeerMessage(raw: unknown): Result<PeerMessage> {
  return parseJsonFrame(PeerMessageSchema, raw, 'ERR_PEER_MESSAGE_INVALID', MAX_PEER_MESSAGE_BYTES);
}

/** A message schema: an object with a literal `type`, or a variant of such objects. */
interface TypedSchema {
  readonly entries?: { readonly type?: { readonly literal?: unknown } };
  readonly options?: readonly TypedSchema[];
}

const typeOf = (schema: TypedSchema): string =>
  String(schema.entries?.type?.literal ?? typeOf(schema.options![0]!));

/** Every data-channel message type, from the schema (what the widget's router must cover). */
export const PEER_MESSAGE_TYPES = PeerMessageSchema.options.map((schema) =>
  typeOf(schema as TypedSchema),
) as readonly PeerMessage['type'][];
