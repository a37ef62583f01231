/**
 * The widget entry: registers `<video-session>` and `<video-help-button>`, and exports their
 * classes, every event class and the types they carry (the rating prompt and the screenshot editor
 * register themselves when their chunks load). `dist/video-session.js` is this file with
 * everything bundled in.
 */
import { VideoHelpButton } from './help-button/video-help-button.js';
import { VideoSession } from './video-session.js';

export { VideoSession, formatDuration } from './video-session.js';
export { VideoHelpButton } from './help-button/video-help-button.js';
export {
  VsChatEvent,
  VsErrorEvent,
  VsFileProgressEvent,
  VsHelpStateEvent,
  VsModeChangeEvent,
  VsModeOfferEvent,
  VsRatedEvent,
  VsRecordingChangeEvent,
  VsScreenshotDiscardEvent,
  VsScreenshotEvent,
  VsScreenshotSaveEvent,
  VsSessionStatusEvent,
  VsStateChangeEvent,
  VsUploadProgressEvent,
  type CallState,
  type HelpState,
} from './events.js';
export type { ChatEntry } from './features/chat/chat-log.js';
export type { AnnotationView } from './features/drawing/drawing-feature.js';
export type { RecordingStatus } from './features/recording/recording-feature.js';
export type { Screenshot } from './features/screenshots/screenshot.js';
export { reportEvent } from './core/service-api.js';
export { CALL_MODES, type CallMode, type ModeAnswer } from '../src/call-modes.js';
export { errors, VideoSessionError, type ErrorCode } from '../src/errors.js';

const define = (name: string, element: CustomElementConstructor) => {
  if (!customElements.get(name)) customElements.define(name, element);
};
define('video-session', VideoSession);
define('video-help-button', VideoHelpButton);
