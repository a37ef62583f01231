/**
 * The screenshots feature's chunk, loaded when a call connects or a screenshot is first needed (a
 * separate chunk, so the script a page loads first stays small): capturing, the stills of the
 * session, keeping them on the device and getting saved ones to the service, the list of what the
 * service has, the gallery, the choice to save or discard a new one, and the editor's loader.
 */
export { CaptureController } from './capture-controller.js';
export { StillController } from './still-controller.js';
export { SavedFiles } from './saved-files.js';
export { keepStill, keptStills, resumeStills, saveStill } from './upload-still.js';
export { gallery, type GalleryView } from './gallery.js';
export { review, type ReviewView } from './review.js';
export { stillStyles } from './styles.js';
export { panelStyles } from '../../views/panel.styles.js';

/**
 * Loads `<video-session-screenshot-editor>` (a chunk of its own: only who edits a screenshot
 * needs it); the element is registered once this resolves.
 */
export const loadEditor = () => import('./screenshot-editor.js');
