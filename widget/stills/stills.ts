/**
 * The screenshot feature, loaded when a call starts (a separate chunk, so the script a page loads
 * first stays small): capturing, the stills of the session, the choice to save or discard a new
 * one, their gallery, and the editor's loader.
 */
export { CaptureController } from '../controllers/capture-controller.js';
export { StillController } from '../controllers/still-controller.js';
export { gallery, type GalleryView } from './gallery.js';
export { review, type ReviewView } from './review.js';
export { stillStyles } from './styles.js';

/**
 * Loads `<video-session-still-editor>` (a chunk of its own: only who edits a screenshot needs it);
 * the element is registered once this resolves.
 */
export const loadStillEditor = () => import('./still-editor.js');
