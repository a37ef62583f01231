/** Icons of the drawing tools (loaded with them). */
import { svg } from 'lit';
import { icon } from '../../icons.js';
export const pointerIcon = icon(
  svg`<circle cx="12" cy="12" r="7"/><circle cx="12" cy="12" r="2" fill="currentColor"/>`,
);
export const penIcon = icon(svg`<path d="M4 20l4-1 11-11-3-3L5 16z"/><path d="M14 7l3 3"/>`);
export const arrowIcon = icon(svg`<path d="M5 19L19 5M10 5h9v9"/>`);
export const ellipseIcon = icon(svg`<ellipse cx="12" cy="12" rx="9" ry="6"/>`);
export const rectangleIcon = icon(svg`<rect x="4" y="6" width="16" height="12" rx="1"/>`);
export const highlighterIcon = icon(svg`<path d="M9 14l-4 6h6l2-3M9 14l7-10 4 3-7 10z"/>`);
export const textIcon = icon(svg`<path d="M5 6V4h14v2M12 4v16M9 20h6"/>`);
export const undoIcon = icon(svg`<path d="M9 14L4 9l5-5"/><path d="M4 9h11a5 5 0 0 1 0 10h-3"/>`);
export const redoIcon = icon(svg`<path d="M15 14l5-5-5-5"/><path d="M20 9H9a5 5 0 0 0 0 10h3"/>`);
export const clearIcon = icon(svg`<path d="M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3"/>`);
export const pinIcon = icon(
  svg`<path d="M12 21s-6-5.5-6-11a6 6 0 0 1 12 0c0 5.5-6 11-6 11z"/><circle cx="12" cy="10" r="2"/>`,
);
