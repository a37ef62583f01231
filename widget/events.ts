/**
 * The public DOM events of `<video-session>`: `Event` subclasses with readonly payloads, bubbling
 * and composed so a host page can listen on any ancestor.
 */
import type { ErrorCode } from '../src/errors.js';

/** The call's state as the element shows it. */
export type CallState =
  'idle' | 'connecting' | 'waiting' | 'connected' | 'reconnecting' | 'ended' | 'failed';

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

declare global {
  interface HTMLElementEventMap {
    'vs-state-change': VsStateChangeEvent;
    'vs-error': VsErrorEvent;
  }
}
