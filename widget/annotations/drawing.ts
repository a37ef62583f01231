/**
 * The drawing feature, loaded when a call starts (a separate chunk, so the script a page loads
 * first stays small): the overlay and tracker controllers and their styles. The tracker's worker
 * is a file of its own, loaded when the customer's camera is there.
 */
export { OverlayController } from '../controllers/overlay-controller.js';
export { TrackerController } from '../controllers/tracker-controller.js';
export { annotationStyles } from './styles.js';
