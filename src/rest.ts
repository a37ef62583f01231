/**
 * The REST API's contract: request bodies (parsed with these schemas on the service) and the
 * shapes of its answers. The host backend calls it with the API key; widgets call the session
 * routes with their join token, and the help button requests sessions with a public key or a
 * host-minted request token.
 */
import * as v from 'valibot';
import {
  FileKindSchema,
  FileMetaSchema,
  MetadataSchema,
  ReportedEventSchema,
  Sha256Schema,
  VisibilitySchema,
} from './events.js';
import type {
  EndedBy,
  FileKind,
  FileMeta,
  Metadata,
  Origin,
  Uploader,
  Visibility,
} from './events.js';
import { RoleSchema } from './protocol.js';
import type { SessionStatus } from './session-state.js';

const trimmed = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));
const TicketId = trimmed(200);
const Agent = v.object({ id: trimmed(200), name: trimmed(120) });
const Customer = v.object({ name: trimmed(120) });

/** `POST /v1/sessions` (API key). */
export const CreateSessionSchema = v.strictObject({
  ticketId: TicketId,
  agent: Agent,
  customer: v.optional(Customer),
  metadata: v.optional(MetadataSchema),
});
export type CreateSession = v.InferOutput<typeof CreateSessionSchema>;

/** `POST /v1/sessions/:id/tokens` (API key). */
export const MintTokenSchema = v.strictObject({ role: RoleSchema });

/** `POST /v1/request-tokens` (API key): a token the host page gives its help button. */
export const RequestTokenSchema = v.strictObject({
  ticketId: TicketId,
  customer: v.optional(Customer),
  metadata: v.optional(MetadataSchema),
  /** Lifetime in seconds, 60 to 86400; default 3600. */
  ttl: v.optional(v.pipe(v.number(), v.integer(), v.minValue(60), v.maxValue(86_400))),
});
export type RequestTokenInput = v.InferOutput<typeof RequestTokenSchema>;

/**
 * `POST /v1/requests` (public key or request token): the help button asks for a session. With a
 * request token, the ticket, customer and metadata come from the token and must not be sent.
 */
export const RequestSessionSchema = v.strictObject({
  customer: v.optional(Customer),
  ticketId: v.optional(TicketId),
  metadata: v.optional(MetadataSchema),
  /** Ring straight into a session (only when the service enables direct calls). */
  direct: v.optional(v.boolean()),
});

/** `POST /v1/sessions/:id/accept` (API key): the agent who takes the request (or direct call). */
export const AcceptSchema = v.strictObject({ agent: Agent });

/** `POST /v1/sessions/:id/decline` (API key); the body is optional. */
export const DeclineSchema = v.strictObject({
  reason: v.optional(v.pipe(v.string(), v.regex(/^[\w.:-]{1,64}$/))),
});

/** `PATCH /v1/sessions/:id` (API key). */
export const PatchSessionSchema = v.strictObject({ visibility: VisibilitySchema });

/** `POST /v1/sessions/:id/rating` (the customer's join token), once per session. */
export const RatingSchema = v.strictObject({
  score: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(5)),
  comment: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(1000))),
});

/**
 * `POST /v1/sessions/:id/events` (a join token): a widget reports an event for the webhook.
 * `ref` is the widget's own id for it: sending the same `ref` again never makes a second event.
 */
export const ReportSchema = v.strictObject({
  ref: v.pipe(v.string(), v.regex(/^[\w-]{8,64}$/, 'ref is 8-64 of A-Z a-z 0-9 _ -')),
  event: ReportedEventSchema,
});

/** Per-session figures, filled in as the session goes (S9). Times in milliseconds. */
export interface SessionAnalytics {
  /** From the request to its acceptance; null unless it was requested. */
  acceptMs: number | null;
  /** From both people present to the call being up, the first time; null until then. */
  setupMs: number | null;
  /** From the first connection to the end (or to now while live); 0 when never connected. */
  durationMs: number;
  reconnects: number;
}

/** A session as `GET /v1/sessions/:id` and `GET /v1/sessions?ticketId=` return it. */
export interface SessionView {
  id: string;
  ticketId: string;
  status: SessionStatus;
  visibility: Visibility;
  origin: Origin;
  /** The host's metadata; only with the API key (never shown to a join token). */
  metadata?: Metadata | null;
  agent: { id: string; name: string } | null;
  customer: { name: string };
  createdAt: string;
  requestedAt: string | null;
  /** A request (or unanswered direct call) expires at this time. */
  answerBy: string | null;
  expiresAt: string;
  connectedAt: string | null;
  endedAt: string | null;
  endedBy: EndedBy | null;
  endReason: string | null;
  rating: { score: number; comment: string | null; at: string } | null;
  /**
   * Whose place is held by a live connection right now. A customer's page that finds its place
   * held, and has no resume key of its own for the session, would be refused (`ERR_SESSION_FULL`).
   */
  inUse: { agent: boolean; customer: boolean };
  analytics: SessionAnalytics;
  /** Every status change, oldest first. */
  transitions: Array<{ from: SessionStatus; to: SessionStatus; at: string }>;
}

/**
 * The links that carry a customer's invite. `inviteUrl` is the one to send: the short link, or,
 * when invites go to the host's own page (`VS_INVITE_URL_TEMPLATE`), the long one.
 */
export interface InviteLinks {
  inviteUrl: string;
  /** `https://<service>/j/<code>` (12 characters of base62): leads to the long link with a fresh token. */
  shortInviteUrl: string;
  /** The join page, `/join/<id>#token=<customerToken>`, or the host's page with the token in it. */
  longInviteUrl: string;
}

/** The answer to `POST /v1/sessions`. */
export interface CreatedSession extends SessionView, InviteLinks {
  agentToken: string;
  customerToken: string;
}

/** The answer to `POST /v1/sessions/:id/tokens`; a customer's token comes with its links. */
export type MintedToken = { token: string; expiresAt: string } & (
  { role: 'agent' } | ({ role: 'customer' } & InviteLinks)
);

/** The answer to `POST /v1/sessions/:id/accept`. */
export interface AcceptedSession extends SessionView {
  agentToken: string;
}

/** The answer to `POST /v1/requests`, for the customer's browser. */
export interface RequestedSession {
  id: string;
  status: SessionStatus;
  customerToken: string;
  answerBy: string;
  direct: boolean;
}

/** One webhook event as `GET /v1/webhook/events` lists it. */
export interface WebhookEventView {
  id: string;
  type: string;
  sessionId: string;
  sequence: number;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  createdAt: string;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
}

/** `GET /v1/webhook`: the endpoint and its queue. */
export interface WebhookStatusView {
  url: string | null;
  enabled: boolean;
  disabledAt: string | null;
  disabledReason: string | null;
  pending: number;
  delivered: number;
  dead: number;
  /** When the oldest event still waiting for delivery was made (how far behind delivery is); null when none waits. */
  oldestPendingAt: string | null;
}

/**
 * `POST /v1/sessions/:id/uploads` (a join token of the session, or the API key): announce a file
 * to upload, or resume the upload with the same `ref` (the widget's own id for the file, unique
 * per session). The type must be on the allow-list for its kind (else 415 `ERR_UPLOAD_TYPE`), the
 * size within the kind's limit (else 413 `ERR_UPLOAD_TOO_LARGE`).
 */
export const CreateUploadSchema = v.strictObject({
  kind: FileKindSchema,
  ref: v.pipe(v.string(), v.regex(/^[\w-]{1,64}$/, 'ref is 1-64 of A-Z a-z 0-9 _ -')),
  name: v.pipe(
    v.string(),
    v.trim(),
    v.minLength(1),
    v.maxLength(255),
    v.regex(/^[^\u0000-\u001f\u007f/\\]+$/, 'a file name without slashes or control characters'),
  ),
  type: v.pipe(v.string(), v.maxLength(255)),
  size: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(Number.MAX_SAFE_INTEGER)),
  sha256: v.pipe(v.string(), v.toLowerCase(), Sha256Schema),
  meta: v.optional(FileMetaSchema),
});
export type CreateUpload = v.InferOutput<typeof CreateUploadSchema>;

/** The body type of `PATCH /v1/sessions/:id/uploads/:uploadId` (with an `Upload-Offset` header). */
export const UPLOAD_CONTENT_TYPE = 'application/offset+octet-stream';

/**
 * The answer to `POST .../uploads`: `201` for a new upload, `200` when the `ref` was known (resume
 * from `offset`); when the file is already complete, `offset === size` and `file` is set.
 */
export interface UploadCreated {
  uploadId: string;
  offset: number;
  size: number;
  /** The most bytes one `PATCH` may carry. */
  chunkSize: number;
  file?: FileInfo;
}

/** The answer to `PATCH` (`file` once the last byte arrived and checked out). */
export interface UploadProgress {
  offset: number;
  file?: FileInfo;
}

/** The answer to `GET` (and the headers of `HEAD`) on an upload. */
export interface UploadStatus {
  offset: number;
  size: number;
  complete: boolean;
}

/** A stored file, with a signed, expiring download link for whoever asked. */
export interface FileInfo {
  id: string;
  sessionId: string;
  /** The uploader's `ref`. */
  ref: string;
  kind: FileKind;
  name: string;
  type: string;
  size: number;
  sha256: string;
  createdAt: string;
  /** What the uploader told of it; `takenBy` is set by the service to the uploader's role. */
  meta: FileMeta;
  /** Whose widget uploaded it (`host`: the API key). A `ref` is unique per session and uploader. */
  by: Uploader;
  url: string;
  urlExpiresAt: string;
}

/** `GET /v1/sessions/:id/files`, oldest first. */
export interface FileList {
  files: FileInfo[];
  /** The service's clock when it answered (ISO 8601): what `urlExpiresAt` counts from. */
  now: string;
}

/** `DELETE /v1/sessions/:id/files` (API key). */
export interface FilesDeleted {
  deleted: number;
}
