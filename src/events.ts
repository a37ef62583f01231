/**
 * The webhook event catalogue, typed once: every event the service posts to the host helpdesk.
 * Each event is an envelope (`id`, `type`, `occurredAt`, `sessionId`, `ticketId`, the per-session
 * `sequence`, the session's `visibility`, the host's `metadata`, and the `source` that told the
 * service) around a typed `data` object.
 * The README documents each type with an example body (a test parses every example).
 *
 * Some events happen in the widgets (a mode change, recording consent): a widget
 * *reports* them to the service with its join token (`POST /v1/sessions/:id/events`), and the
 * service stamps who reported it and writes the webhook event. `REPORTABLE` lists which role may
 * report which type; the schemas of what a widget sends are `ReportedEventSchema`.
 */
import * as v from 'valibot';
import type { Result } from './parse.js';
import { parseWith } from './parse.js';
import { CALL_MODES } from './call-modes.js';
import { MAX_CHAT_TEXT } from './chat-messages.js';
import { RoleSchema } from './protocol.js';
import { FINAL_STATUSES } from './session-state.js';

const text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const Iso = v.pipe(v.string(), v.isoTimestamp());
const Millis = v.pipe(v.number(), v.integer(), v.minValue(0));
const Name = text(120);

/** Who may see a session: `public` (both), `internal` (the host's people only). */
export const VisibilitySchema = v.picklist(['public', 'internal']);
export type Visibility = v.InferOutput<typeof VisibilitySchema>;

/**
 * The host's own data for a session (queue, product, customer id...), echoed by every event.
 * Flat and bounded: at most 20 keys of `[A-Za-z0-9_.-]{1,40}`, values a string of at most 200
 * characters, a number, a boolean or null.
 */
export const MetadataSchema = v.pipe(
  v.record(
    v.pipe(v.string(), v.regex(/^[\w.-]{1,40}$/, 'keys are 1-40 of A-Z a-z 0-9 _ . -')),
    v.union([text(200), v.number(), v.boolean(), v.null()]),
  ),
  v.check((m) => Object.keys(m).length <= 20, 'at most 20 keys'),
);
export type Metadata = v.InferOutput<typeof MetadataSchema>;

/** How a session came to be: the host's REST call, an accepted request, or a direct call. */
export const OriginSchema = v.picklist(['api', 'request', 'direct']);
export type Origin = v.InferOutput<typeof OriginSchema>;

/** Who ended a session: one of the two people, the host (REST), or the service (expiry). */
export const EndedBySchema = v.picklist(['agent', 'customer', 'host', 'service']);
export type EndedBy = v.InferOutput<typeof EndedBySchema>;

/**
 * Who told the service what an event says (the envelope's `source`): the agent's or the
 * customer's widget or token (one person each in a session), the host's backend with the API key,
 * or the service itself (expiry, retention, a dropped connection, the call coming up).
 */
export const SourceSchema = v.picklist(['agent', 'customer', 'host', 'service']);
export type Source = v.InferOutput<typeof SourceSchema>;

/** The call modes (see `call-modes.ts`). */
export const CallModeSchema = v.picklist(CALL_MODES);

/** A line of the chat for the ticket: a text message, or a file by name, size and type. */
export const TranscriptLineSchema = v.union([
  v.object({ role: RoleSchema, at: Iso, text: text(MAX_CHAT_TEXT) }),
  v.object({
    role: RoleSchema,
    at: Iso,
    file: v.object({
      name: text(255),
      size: Millis,
      type: text(127),
      /** The other person received it, complete. */
      delivered: v.boolean(),
    }),
  }),
]);

/** The chat of a session, in parts small enough for one webhook each (`part` of `parts`). */
const TranscriptFields = {
  part: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000)),
  parts: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000)),
  lines: v.pipe(v.array(TranscriptLineSchema), v.maxLength(500)),
};

/**
 * A step of recording consent (the audit trail): when it happened in the widget (`at`), which
 * recording (`recordingRef`, the upload `ref` its file will have), and a short reason code for
 * stops and withdrawals (`quota`, `call-ended`, ...).
 */
const RecordingFields = {
  at: Iso,
  recordingRef: v.optional(v.pipe(v.string(), v.regex(/^[\w-]{1,64}$/))),
  reason: v.optional(v.pipe(v.string(), v.regex(/^[\w.:-]{1,64}$/))),
};
const recordingStep = <T extends string>(type: T) =>
  v.object({ type: v.literal(type), ...RecordingFields });

/** What widgets may report, without the `by` the service adds from the token. */
export const ReportedEventSchema = v.variant('type', [
  v.object({
    type: v.literal('session.mode_changed'),
    mode: CallModeSchema,
    previous: CallModeSchema,
  }),
  v.object({ type: v.literal('session.offer_declined'), mode: CallModeSchema }),
  v.object({ type: v.literal('session.chat_transcript'), ...TranscriptFields }),
  recordingStep('recording.requested'),
  recordingStep('recording.consented'),
  recordingStep('recording.declined'),
  recordingStep('recording.started'),
  recordingStep('recording.stopped'),
  recordingStep('recording.consent_withdrawn'),
]);
export type ReportedEvent = v.InferOutput<typeof ReportedEventSchema>;
export type ReportedEventType = ReportedEvent['type'];

/**
 * Which role may report which event type. Recording: the agent requests (that is the agent's
 * consent) and runs the recorder; only the customer's own widget consents or declines; either
 * side stops or withdraws.
 */
export const REPORTABLE: Readonly<Record<ReportedEventType, readonly ('agent' | 'customer')[]>> = {
  'session.mode_changed': ['agent', 'customer'],
  'session.offer_declined': ['agent'],
  'session.chat_transcript': ['agent'],
  'recording.requested': ['agent'],
  'recording.consented': ['customer'],
  'recording.declined': ['customer'],
  'recording.started': ['agent'],
  'recording.stopped': ['agent', 'customer'],
  'recording.consent_withdrawn': ['agent', 'customer'],
};

/** What a stored file is. */
export const FileKindSchema = v.picklist(['screenshot', 'recording']);
export type FileKind = v.InferOutput<typeof FileKindSchema>;

/** Who uploaded a file: one of the two people (their join token) or the host (the API key). */
export const UploaderSchema = v.picklist(['agent', 'customer', 'host']);
export type Uploader = v.InferOutput<typeof UploaderSchema>;

/** What the widget tells about a file besides its bytes. */
export const FileMetaSchema = v.strictObject({
  width: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65_535))),
  height: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65_535))),
  durationMs: v.optional(Millis),
  takenBy: v.optional(RoleSchema),
  startedAt: v.optional(Iso),
});
export type FileMeta = v.InferOutput<typeof FileMetaSchema>;

export const Sha256Schema = v.pipe(
  v.string(),
  v.regex(/^[0-9a-f]{64}$/, 'sha256 is 64 hex digits'),
);

/** A stored file in an event: what it is, and a signed link for the host (7 days by default). */
const StoredFileFields = {
  fileId: v.pipe(v.string(), v.regex(/^fil_[\w-]{8,64}$/)),
  ref: v.pipe(v.string(), v.regex(/^[\w-]{1,64}$/)),
  name: text(255),
  type: text(255),
  size: Millis,
  sha256: Sha256Schema,
  meta: FileMetaSchema,
  by: UploaderSchema,
  url: v.pipe(v.string(), v.url()),
  urlExpiresAt: Iso,
};

/** The `data` of every event type. */
export const EVENT_DATA = {
  /** A customer asked for a session (help button); an agent can accept it until `answerBy`. */
  'session.requested': v.object({
    customer: v.object({ name: Name }),
    source: v.picklist(['public-key', 'request-token']),
    answerBy: Iso,
  }),
  /** The session exists: made by the host, accepted from a request, or rung in directly. */
  'session.created': v.object({
    origin: OriginSchema,
    agent: v.nullable(v.object({ id: text(200), name: Name })),
    customer: v.object({ name: Name }),
    expiresAt: Iso,
    /** A direct call nobody has answered expires at this time. */
    answerBy: v.nullable(Iso),
  }),
  /** Somebody joined the session (`resumed`: came back with their resume key). */
  'session.participant_joined': v.object({ role: RoleSchema, name: Name, resumed: v.boolean() }),
  /**
   * Somebody left: their connection dropped (`disconnected`), or they left the call on purpose
   * while the session goes on (`hang-up`; they can come back with the same invite).
   */
  'session.participant_left': v.object({
    role: RoleSchema,
    reason: v.picklist(['disconnected', 'hang-up']),
  }),
  /** The call is up (`setupMs`: from both present to connected, on the first connection). */
  'session.connected': v.object({ setupMs: v.nullable(Millis), reconnected: v.boolean() }),
  /** The call was up and is being re-established; `role` is who dropped, when known. */
  'session.reconnecting': v.object({ role: v.nullable(RoleSchema) }),
  /** The session is over, in one of the final statuses; the analytics of the whole session. */
  'session.ended': v.object({
    status: v.picklist(FINAL_STATUSES),
    reason: text(64),
    endedBy: EndedBySchema,
    /** Connected time: from the first connection to the end; 0 when it never connected. */
    durationMs: Millis,
    setupMs: v.nullable(Millis),
    reconnects: Millis,
    connectedAt: v.nullable(Iso),
  }),
  'session.visibility_changed': v.object({
    visibility: VisibilitySchema,
    previous: VisibilitySchema,
  }),
  'session.rated': v.object({
    score: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(5)),
    comment: v.nullable(text(1000)),
  }),
  /** The call changed mode; `by` reported it (the agent's widget, which decides the mode). */
  'session.mode_changed': v.object({
    mode: CallModeSchema,
    previous: CallModeSchema,
    by: RoleSchema,
  }),
  /** The customer declined the agent's offer of `mode` (the session stays open, as it was). */
  'session.offer_declined': v.object({ mode: CallModeSchema, by: RoleSchema }),
  /** The session's chat, reported when the session ends, in parts. */
  'session.chat_transcript': v.object({ ...TranscriptFields, by: RoleSchema }),
  /** The agent asked the customer to agree to a recording (the agent's own consent). */
  'recording.requested': v.object({ ...RecordingFields, by: RoleSchema }),
  /** The customer agreed: both consents exist, the recording may start. */
  'recording.consented': v.object({ ...RecordingFields, by: RoleSchema }),
  /** The customer said no: nothing is recorded. */
  'recording.declined': v.object({ ...RecordingFields, by: RoleSchema }),
  /** The recorder started (after both consents). */
  'recording.started': v.object({ ...RecordingFields, by: RoleSchema }),
  /** The recorder stopped (`by` who stopped it; `reason` when it was not a person). */
  'recording.stopped': v.object({ ...RecordingFields, by: RoleSchema }),
  /** One of the two withdrew their consent: the recording stopped. */
  'recording.consent_withdrawn': v.object({ ...RecordingFields, by: RoleSchema }),
  /** A screenshot was uploaded complete and checked; `url` downloads it. */
  'screenshot.created': v.object(StoredFileFields),
  /** A recording was uploaded complete and checked; `url` downloads (and streams) it. */
  'recording.available': v.object(StoredFileFields),
  /** A stored file is gone: erased on request (`DELETE .../files`) or past the retention time. */
  'file.deleted': v.object({
    fileId: StoredFileFields.fileId,
    kind: FileKindSchema,
    name: text(255),
    reason: v.picklist(['erased', 'retention']),
  }),
} as const;

export type SessionEventType = keyof typeof EVENT_DATA;
export const EVENT_TYPES = Object.keys(EVENT_DATA) as SessionEventType[];
export type EventData<T extends SessionEventType> = v.InferOutput<(typeof EVENT_DATA)[T]>;

/** The envelope every event shares. */
export const EnvelopeSchema = v.object({
  id: v.pipe(v.string(), v.regex(/^msg_[\w-]{8,64}$/)),
  type: v.picklist(EVENT_TYPES as [SessionEventType, ...SessionEventType[]]),
  occurredAt: Iso,
  sessionId: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  ticketId: text(200),
  /** 1, 2, 3... per session: the order the events happened in. */
  sequence: v.pipe(v.number(), v.integer(), v.minValue(1)),
  visibility: VisibilitySchema,
  metadata: v.nullable(MetadataSchema),
  /**
   * Who told the service (see `SourceSchema`). The service writes it on every event; an event
   * written by an older version (still queued, or replayed, at the upgrade) has none.
   */
  source: v.optional(SourceSchema),
  data: v.unknown(),
});
type Envelope = Omit<v.InferOutput<typeof EnvelopeSchema>, 'type' | 'data'>;

/** One event of type `T`. */
export type SessionEventOf<T extends SessionEventType> = Envelope & { type: T; data: EventData<T> };
/** Any event of the catalogue. */
export type SessionEvent = { [T in SessionEventType]: SessionEventOf<T> }[SessionEventType];

/**
 * The exact bytes posted for an event: the envelope's keys in a fixed order. The outbox stores
 * this text, so every retry is byte-identical (a signature covers the bytes, not the meaning).
 */
export function encodeEvent(event: SessionEvent): string {
  const {
    id,
    type,
    occurredAt,
    sessionId,
    ticketId,
    sequence,
    visibility,
    metadata,
    source,
    data,
  } = event;
  return JSON.stringify({
    id,
    type,
    occurredAt,
    sessionId,
    ticketId,
    sequence,
    visibility,
    metadata,
    source,
    data,
  });
}

/** Parses a received event body (for receivers, the demo helpdesk, and tests). */
export function parseSessionEvent(json: unknown): Result<SessionEvent> {
  const envelope = parseWith(EnvelopeSchema, json, 'ERR_BODY_INVALID');
  if (!envelope.ok) return envelope;
  const data = parseWith(EVENT_DATA[envelope.value.type], envelope.value.data, 'ERR_BODY_INVALID');
  if (!data.ok) return { ...data, reason: `data.${data.reason}` };
  return { ok: true, value: { ...envelope.value, data: data.value } as SessionEvent };
}
