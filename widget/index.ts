/**
 * The widget entry: registers `<video-session>` and exports its class, events and types.
 * `dist/video-session.js` is this file with everything bundled in.
 */
import { VideoSession } from './video-session.js';

export { VideoSession, formatDuration } from './video-session.js';
export {
  VsErrorEvent,
  VsModeChangeEvent,
  VsModeOfferEvent,
  VsSessionStatusEvent,
  VsStateChangeEvent,
  type CallState,
} from './events.js';
export { CALL_MODES, type CallMode, type ModeAnswer } from '../src/call-modes.js';
export { errors, VideoSessionError, type ErrorCode } from '../src/errors.js';

if (!customElements.get('video-session')) customElements.define('video-session', VideoSession);
