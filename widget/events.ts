/**
 * The public DOM events of `<video-session>`: `Event` subclasses with readonly payloads, bubbling
 * and composed so a host page can listen on any ancestor.
 */
import type { CallMode } from '../src/call-modes.js';
import type { ErrorCode } from '../src/errors.js';
import type { CallState } from './core/call/call-controller.js';
import type { ChatEntry } from './features/chat/chat-log.js';
import type { RecordingStatus } from './features/recording/recording-controller.js';
import type { Screenshot } from './features/screenshots/screenshot.js';
import type { Transfer } from './features/transfer/transfer-controller.js';
import type { FileKind } from '../src/events.js';
import type { FileInfo } from '../src/rest.js';
import type { Role } from '../src/protocol.js';
import type { SessionStatus } from '../src/session-state.js';

export type { CallState };

/** Fired on every change of `state`. */
export class VsStateChangeEvent extends Event {
  static readonly type = 'vs-state-change';
  readonly state: CallState;
  readonly previous: CallState;

  constructor(state: CallState, previous: CallState) {
    super(VsStateChangeEvent.type, { bubbles: true, composed: true });
    this.state = state;
    this.previous = previous;
  }
}

/** Fired when something goes wrong; `fatal` errors move the element to `failed`. */
export class VsErrorEvent extends Event {
  static readonly type = 'vs-error';
  readonly code: ErrorCode;
  readonly fatal: boolean;
  readonly message: string;

  constructor(code: ErrorCode, fatal: boolean, message: string) {
    super(VsErrorEvent.type, { bubbles: true, composed: true });
    this.code = code;
    this.fatal = fatal;
    this.message = message;
  }
}

/** Fired when the agreed call mode changes; `by` is the role whose wish it was. */
export class VsModeChangeEvent extends Event {
  static readonly type = 'vs-mode-change';
  readonly mode: CallMode;
  readonly previous: CallMode;
  readonly by: Role;

  constructor(mode: CallMode, previous: CallMode, by: Role) {
    super(VsModeChangeEvent.type, { bubbles: true, composed: true });
    this.mode = mode;
    this.previous = previous;
    this.by = by;
  }
}

/**
 * Fired when this person is asked to send media they do not send now (the element shows the
 * question; answer with `answerOffer()`). `from` is the role asking.
 */
export class VsModeOfferEvent extends Event {
  static readonly type = 'vs-mode-offer';
  readonly mode: CallMode;
  readonly from: Role;

  constructor(mode: CallMode, from: Role) {
    super(VsModeOfferEvent.type, { bubbles: true, composed: true });
    this.mode = mode;
    this.from = from;
  }
}

/**
 * Fired when the service reports a new session status (`created`, `waiting`, `connected`,
 * `reconnecting`, and the final `ended`, `declined`, `expired`, `failed`): the session's life, as
 * opposed to this element's call `state`.
 */
export class VsSessionStatusEvent extends Event {
  static readonly type = 'vs-session-status';
  readonly status: SessionStatus;
  readonly previous: SessionStatus | null;

  constructor(status: SessionStatus, previous: SessionStatus | null) {
    super(VsSessionStatusEvent.type, { bubbles: true, composed: true });
    this.status = status;
    this.previous = previous;
  }
}

/** Where a `<video-help-button>` is with its request. */
export type HelpState =
  'idle' | 'requesting' | 'requested' | 'in-call' | 'declined' | 'expired' | 'failed';

/** Fired by `<video-help-button>` on every change of its `state`. */
export class VsHelpStateEvent extends Event {
  static readonly type = 'vs-help-state';
  readonly state: HelpState;
  readonly previous: HelpState;

  constructor(state: HelpState, previous: HelpState) {
    super(VsHelpStateEvent.type, { bubbles: true, composed: true });
    this.state = state;
    this.previous = previous;
  }
}

/** Fired when the customer's rating was sent (once per session). */
export class VsRatedEvent extends Event {
  static readonly type = 'vs-rated';
  readonly score: number;
  readonly comment: string | null;

  constructor(score: number, comment: string | null) {
    super(VsRatedEvent.type, { bubbles: true, composed: true });
    this.score = score;
    this.comment = comment;
  }
}

/** Fired when a chat message arrives or is sent, and when a chat file appears, arrives or fails. */
export class VsChatEvent extends Event {
  static readonly type = 'vs-chat';
  readonly entry: ChatEntry;

  constructor(entry: ChatEntry) {
    super(VsChatEvent.type, { bubbles: true, composed: true });
    this.entry = entry;
  }
}

/**
 * Fired as a file moves, on both sides (at most every 100 ms per file, and at its end):
 * `loaded` of `size` bytes, `state` `sending`, `receiving`, `done` or `failed` (with `code`).
 */
export class VsFileProgressEvent extends Event {
  static readonly type = 'vs-file-progress';
  readonly name: string;
  /** `chat` (a file of the chat) or `screenshot`. */
  readonly purpose: 'chat' | 'screenshot';
  readonly direction: 'out' | 'in';
  readonly loaded: number;
  readonly size: number;
  readonly state: Transfer['state'];
  readonly code: ErrorCode | null;

  constructor(t: Transfer) {
    super(VsFileProgressEvent.type, { bubbles: true, composed: true });
    this.name = t.name;
    this.purpose = t.purpose === 'still' ? 'screenshot' : t.purpose;
    this.direction = t.direction;
    this.loaded = t.loaded;
    this.size = t.size;
    this.state = t.state;
    this.code = t.code;
  }
}

/**
 * Fired when recording moves on, on both sides: `status` is `idle`, `requesting` (the agent waits
 * for the customer's answer), `asked` (the customer is asked), `consented` or `recording`.
 */
export class VsRecordingChangeEvent extends Event {
  static readonly type = 'vs-recording-change';
  readonly status: RecordingStatus;

  constructor(status: RecordingStatus) {
    super(VsRecordingChangeEvent.type, { bubbles: true, composed: true });
    this.status = status;
  }
}

/**
 * Fired as a screenshot or recording goes up to the service: `loaded` of `size` bytes confirmed;
 * `file` (with its link) once the service has all of it and the local copy is gone.
 */
export class VsUploadProgressEvent extends Event {
  static readonly type = 'vs-upload-progress';
  readonly ref: string;
  readonly kind: FileKind;
  readonly loaded: number;
  readonly size: number;
  readonly file: FileInfo | null;

  constructor(
    p: { ref: string; kind: FileKind; loaded: number; size: number },
    file: FileInfo | null = null,
  ) {
    super(VsUploadProgressEvent.type, { bubbles: true, composed: true });
    this.ref = p.ref;
    this.kind = p.kind;
    this.loaded = p.loaded;
    this.size = p.size;
    this.file = file;
  }
}

/**
 * Fired on each side when a screenshot is here: taken on this side, or received complete from the
 * other (`screenshot.blob` is the PNG, `screenshot.width` x `screenshot.height` the camera's size).
 */
export class VsScreenshotEvent extends Event {
  static readonly type = 'vs-screenshot';
  readonly screenshot: Screenshot;

  constructor(screenshot: Screenshot) {
    super(VsScreenshotEvent.type, { bubbles: true, composed: true });
    this.screenshot = screenshot;
  }
}

/**
 * Fired by `<video-session-screenshot-editor>` on Save: `blob` is the PNG to keep, at the still's own
 * size (or the crop's). `edited` is false when nothing was changed (or everything was undone):
 * then `blob` is the very `src` Blob the editor was opened on, byte for byte.
 */
export class VsScreenshotSaveEvent extends Event {
  static readonly type = 'vs-screenshot-save';
  readonly blob: Blob;
  readonly edited: boolean;

  constructor(blob: Blob, edited: boolean) {
    super(VsScreenshotSaveEvent.type, { bubbles: true, composed: true });
    this.blob = blob;
    this.edited = edited;
  }
}

/**
 * Fired by `<video-session-screenshot-editor>` on Discard: the person does not want the still.
 * `<video-session>` then throws it away on both sides (`discardScreenshot`); nothing is stored.
 */
export class VsScreenshotDiscardEvent extends Event {
  static readonly type = 'vs-screenshot-discard';

  constructor() {
    super(VsScreenshotDiscardEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'vs-recording-change': VsRecordingChangeEvent;
    'vs-upload-progress': VsUploadProgressEvent;
    'vs-rated': VsRatedEvent;
    'vs-help-state': VsHelpStateEvent;
    'vs-state-change': VsStateChangeEvent;
    'vs-error': VsErrorEvent;
    'vs-mode-change': VsModeChangeEvent;
    'vs-mode-offer': VsModeOfferEvent;
    'vs-session-status': VsSessionStatusEvent;
    'vs-chat': VsChatEvent;
    'vs-file-progress': VsFileProgressEvent;
    'vs-screenshot': VsScreenshotEvent;
    'vs-screenshot-save': VsScreenshotSaveEvent;
    'vs-screenshot-discard': VsScreenshotDiscardEvent;
  }
}
