/**
 * The screenshot feature, loaded when a call starts (a separate chunk, so the script a page loads
 * first stays small): capturing, the stills of the session, the choice to save or discard a new
 * one, and their gallery.
 */
export { CaptureController } from '../controllers/capture-controller.js';
export { StillController } from '../controllers/still-controller.js';
export { gallery, type GalleryView } from './gallery.js';
export { review, type ReviewView } from './review.js';
export { stillStyles } from './styles.js';
