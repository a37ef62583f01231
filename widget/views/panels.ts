/**
 * The side panels that are opened on demand, a chunk of their own: the settings (devices,
 * resolution, permissions, layout), the chat, and the network details of the status pill. The element loads it when a call connects or a
 * panel is first opened, so the script a page loads first stays small.
 */
export { settings } from './settings.js';
export { network } from './network-details.js';
export { panelStyles } from './panel.styles.js';
export { chatPanel } from '../features/chat/chat-panel.js';
