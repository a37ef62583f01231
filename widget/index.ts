/**
 * The widget entry: registers `<video-session>` and `<video-help-button>` (and the rating prompt
 * they use), and exports their classes, events and types. `dist/video-session.js` is this file
 * with everything bundled in.
 */
import { SessionRating } from './session-rating.js';
import { VideoHelpButton } from './video-help-button.js';
import { VideoSession } from './video-session.js';

export { VideoSession, formatDuration } from './video-session.js';
export { VideoHelpButton } from './video-help-button.js';
export {
  VsErrorEvent,
  VsHelpStateEvent,
  VsRatedEvent,
  VsModeChangeEvent,
  VsModeOfferEvent,
  VsSessionStatusEvent,
  VsScreenshotEvent,
  VsStateChangeEvent,
  VsStillDiscardEvent,
  VsStillSaveEvent,
  type CallState,
  type HelpState,
} from './events.js';
export type { Still } from './stills/still.js';
export { reportEvent } from './service-api.js';
export { CALL_MODES, type CallMode, type ModeAnswer } from '../src/call-modes.js';
export { errors, VideoSessionError, type ErrorCode } from '../src/errors.js';

const define = (name: string, element: CustomElementConstructor) => {
  if (!customElements.get(name)) customElements.define(name, element);
};
define('video-session', VideoSession);
define('video-session-rating', SessionRating);
define('video-help-button', VideoHelpButton);
