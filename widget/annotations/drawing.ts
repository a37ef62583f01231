/**
 * The drawing feature, loaded when a call starts (a separate chunk, so the script a page loads
 * first stays small): the overlay controller and its styles.
 */
export { OverlayController } from '../controllers/overlay-controller.js';
export { annotationStyles } from './styles.js';
