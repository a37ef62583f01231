/**
 * The session store, one interface for every backend. The embedded default is SQLite
 * (`sqlite/sqlite-store.ts`, one file in `VS_DATA_DIR`); the rest of the service does not know which
 * store it talks to.
 *
 * A session changes only through `update`, which writes the new record and the webhook events the
 * change caused in one transaction: an event exists exactly when its state change does (the
 * transactional outbox). The outbox half (`OutboxStore`) is what the dispatcher reads and marks.
 */
import type {
  EndedBy,
  FileKind,
  FileMeta,
  Metadata,
  Origin,
  Uploader,
  Visibility,
} from '../../src/events.js';
import type { Refused, Result } from '../../src/parse.js';
import type { Role } from '../../src/protocol.js';
import type { SessionStatus, Transition } from '../../src/session-state.js';

/** A session as the store keeps it. Times are Unix milliseconds. */
export interface SessionRecord {
  id: string;
  ticketId: string;
  status: SessionStatus;
  visibility: Visibility;
  origin: Origin;
  metadata: Metadata | null;
  /** Null until a request (or direct call) is accepted. */
  agent: { id: string; name: string } | null;
  customerName: string;
  createdAt: number;
  requestedAt: number | null;
  acceptedAt: number | null;
  /** A request, or a direct call nobody accepted, expires at this time. */
  answerBy: number | null;
  /** The session (and the customer's invite) ends at this time. */
  expiresAt: number;
  /** The first time both people were in the session. */
  bothPresentAt: number | null;
  /** The first time the call was up. */
  connectedAt: number | null;
  endedAt: number | null;
  endedBy: EndedBy | null;
  endReason: string | null;
  reconnects: number;
  rating: { score: number; comment: string | null; at: number } | null;
  /** The request token's id, so one token keeps one live request. */
  requestKey: string | null;
  /** The `sequence` of the last event written for this session. */
  eventSeq: number;
  transitions: Transition[];
}

/** A webhook event as the outbox keeps it: its exact body bytes, never re-serialised. */
export interface OutboxEvent {
  id: string;
  sessionId: string;
  sequence: number;
  type: string;
  body: string;
  createdAt: number;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

/** An outbox row with its delivery state. `seq` orders all events (per session too). */
export interface OutboxRow extends OutboxEvent {
  seq: number;
  status: DeliveryStatus;
  attempts: number;
  firstAttemptAt: number | null;
  nextAttemptAt: number;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: number | null;
}

/** What a file is, as announced when its upload began. */
export interface FileDescription {
  sessionId: string;
  /** The uploader's own id for the file, unique per session and uploader. */
  ref: string;
  kind: FileKind;
  name: string;
  type: string;
  size: number;
  sha256: string;
  meta: FileMeta;
  by: Uploader;
}

/** An upload in progress: its bytes are under `VS_DATA_DIR/uploads/<id>`. */
export interface UploadRecord extends FileDescription {
  id: string;
  /** How many bytes arrived (durably) so far. */
  offset: number;
  createdAt: number;
  updatedAt: number;
}

/** A stored file: its bytes are under `VS_DATA_DIR/files/<sessionId>/<id>`. */
export interface FileRecord extends FileDescription {
  id: string;
  uploadId: string;
  createdAt: number;
}

/** File rows written in the same transaction as a session change (and its events). */
export interface FileWrites {
  add: FileRecord[];
  /** File ids. */
  remove: string[];
  /** Upload ids. */
  removeUploads: string[];
}

/** What a change to a session writes: the new record, the events it caused, and file rows. */
export interface Change {
  session: SessionRecord;
  events: OutboxEvent[];
  files?: FileWrites;
}

/** A change as it was stored: the record before and after it, and the events written with it. */
export interface StoredChange {
  before: SessionRecord;
  after: SessionRecord;
  events: OutboxEvent[];
}

/** An event id that already exists (a widget re-sent a report): the transaction was rolled back. */
export class DuplicateEventError extends Error {
  override readonly name = 'DuplicateEventError';
}

export interface SessionStore {
  /** Writes a new session and its first events in one transaction. */
  insert(session: SessionRecord, events: OutboxEvent[]): Promise<void>;
  get(id: string): Promise<SessionRecord | null>;
  /** Sessions of a ticket, newest first. */
  listByTicket(ticketId: string, limit: number): Promise<SessionRecord[]>;
  /** The newest session opened with this request key. */
  findByRequestKey(key: string): Promise<SessionRecord | null>;
  /**
   * Runs `change` on the current record and writes its result in one transaction, or nothing when
   * it refuses (a change refused by the state machine or any other rule). `change` must be
   * synchronous and pure. Throws `DuplicateEventError` when an event id already exists.
   */
  update(
    id: string,
    change: (current: SessionRecord) => Change | Refused,
  ): Promise<Result<StoredChange>>;
  /** Ids of sessions that are not final and whose `answerBy` or `expiresAt` is at or before `now`. */
  due(now: number, limit: number): Promise<string[]>;
  /** The hash of the resume key last handed to `role` in this session. */
  getResumeKeyHash(sessionId: string, role: Role): Promise<string | null>;
  setResumeKeyHash(sessionId: string, role: Role, hash: string): Promise<void>;
  readonly outbox: OutboxStore;
  readonly files: FileStore;
  readonly invites: InviteStore;
  close(): Promise<void>;
}

/**
 * A short invite link (`/j/<code>`). The code itself is never stored, only its SHA-256: whoever
 * reads the store cannot open the links.
 */
export interface InviteRecord {
  /** SHA-256 of the code, base64url. */
  codeHash: string;
  sessionId: string;
  role: Role;
  createdAt: number;
  /** The link stops working at this time: the expiry of the token it stands for. */
  expiresAt: number;
}

/** Short invite links, by the hash of their code. */
export interface InviteStore {
  insert(invite: InviteRecord): Promise<void>;
  get(codeHash: string): Promise<InviteRecord | null>;
  /** Deletes the invites that expired before `before`; how many. */
  prune(before: number): Promise<number>;
}

/**
 * The caps an upload is written under, checked in the same transaction as its row: at most
 * `maxSessionBytes` for the session's files and uploads together, at most `maxUploads` unfinished
 * uploads per session and uploader, and at most `room` bytes that unfinished uploads (of all
 * sessions) still need.
 */
export interface UploadLimits {
  maxSessionBytes: number;
  maxUploads: number;
  room: number;
}

/** What a session's files take, and what unfinished uploads still need (for `UploadLimits`). */
export interface FileUsage {
  /** The sizes of the session's files and unfinished uploads. */
  sessionBytes: number;
  /** The session's unfinished uploads by this uploader. */
  uploads: number;
  /** The bytes every unfinished upload (of all sessions) has yet to receive. */
  pendingBytes: number;
}

/**
 * Files and uploads, keyed on session, uploader and `ref`. Upload rows change on their own
 * (progress); a file row appears or goes only through `SessionStore.update` (`Change.files`),
 * together with its webhook event.
 */
export interface FileStore {
  getUpload(id: string): Promise<UploadRecord | null>;
  uploadByRef(sessionId: string, by: Uploader, ref: string): Promise<UploadRecord | null>;
  /**
   * Writes a new upload within `limits`, in one statement; false when the uploader already has
   * one with this `ref` in the session, or a limit would be passed (nothing is written then).
   */
  insertUpload(upload: UploadRecord, limits: UploadLimits): Promise<boolean>;
  /**
   * Replaces an upload's description and progress (a `ref` announced again with other bytes),
   * within `limits` (the upload itself not counted); false when a limit would be passed.
   */
  replaceUpload(upload: UploadRecord, limits: UploadLimits): Promise<boolean>;
  /** What the session's files take, and the uploader's unfinished uploads (see `FileUsage`). */
  usage(sessionId: string, by: Uploader): Promise<FileUsage>;
  setOffset(id: string, offset: number, at: number): Promise<void>;
  deleteUpload(id: string): Promise<void>;
  uploadsOfSession(sessionId: string): Promise<UploadRecord[]>;
  /** Uploads nothing was written to since `before`, oldest first. */
  staleUploads(before: number, limit: number): Promise<UploadRecord[]>;
  getFile(id: string): Promise<FileRecord | null>;
  fileByRef(sessionId: string, by: Uploader, ref: string): Promise<FileRecord | null>;
  /** A session's files, oldest first. */
  filesOfSession(sessionId: string): Promise<FileRecord[]>;
  /** Files stored before `before`, oldest first. */
  filesCreatedBefore(before: number, limit: number): Promise<FileRecord[]>;
}

export interface OutboxStore {
  /** Sessions that have pending events (read once at start). */
  pendingSessions(): Promise<string[]>;
  /** The oldest pending event of a session with `seq` above `afterSeq`. */
  head(sessionId: string, afterSeq: number): Promise<OutboxRow | null>;
  /** Marks events delivered, in one transaction. */
  markDelivered(acks: ReadonlyArray<{ id: string; status: number }>, at: number): Promise<void>;
  /** Records a failed attempt and when to try again. */
  markRetry(id: string, attempt: AttemptRecord & { nextAttemptAt: number }): Promise<void>;
  /** Gives up on an event: it stays, queryable and replayable. */
  markDead(id: string, attempt: AttemptRecord): Promise<void>;
  get(id: string): Promise<OutboxRow | null>;
  list(filter: {
    status?: DeliveryStatus;
    sessionId?: string;
    limit: number;
  }): Promise<OutboxRow[]>;
  /** Puts events back in the queue (due at `now`, attempts reset); how many, and their sessions. */
  replay(
    selector: { id: string } | { status: 'dead' },
    now: number,
  ): Promise<{ count: number; sessionIds: string[] }>;
  counts(): Promise<Record<DeliveryStatus, number>>;
  /** When the oldest event still waiting for delivery was made; null when none waits. */
  oldestPending(): Promise<number | null>;
  /** Whether delivery to `url` was disabled (a `410 Gone`), and why. */
  endpointState(url: string): Promise<{ disabledAt: number; reason: string } | null>;
  setEndpointState(url: string, disabled: { at: number; reason: string } | null): Promise<void>;
  /** Deletes delivered events older than `before`; returns how many. */
  pruneDelivered(before: number): Promise<number>;
}

export interface AttemptRecord {
  attempts: number;
  firstAttemptAt: number;
  lastStatus: number | null;
  lastError: string | null;
}
