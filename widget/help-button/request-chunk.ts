/**
 * The help button's request, a chunk of its own: asking for a session and following it, and the
 * panel shown while the customer waits. Loaded on the button's click, or when a reload left a
 * request this tab made.
 */
export { RequestController } from './request-controller.js';
export { waitingPanel } from './waiting-panel.js';
